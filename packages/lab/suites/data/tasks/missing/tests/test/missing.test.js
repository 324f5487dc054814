import { test } from 'node:test';
import assert from 'node:assert/strict';
import { countMissing, dropMissing, fillMissing, isMissing } from '../src/missing.js';

const rows = [
  { id: 1, score: 10, team: 'a' },
  { id: 2, score: null, team: '' },
  { id: 3, score: 30 },
  { id: 4, score: Number.NaN, team: 'b' },
  { id: 5, score: 20, team: 'c' },
];

test('isMissing and countMissing', () => {
  assert.deepEqual([null, undefined, '', Number.NaN, 0, false, 'x'].map(isMissing), [true, true, true, true, false, false, false]);
  assert.deepEqual(countMissing(rows), { id: 0, score: 2, team: 2 });
});

test('dropMissing', () => {
  assert.deepEqual(dropMissing(rows, ['score']).map((r) => r.id), [1, 3, 5]);
  assert.deepEqual(dropMissing(rows).map((r) => r.id), [1, 5]);
});

test('fillMissing strategies', () => {
  assert.deepEqual(fillMissing(rows, 'score', 'mean').map((r) => r.score), [10, 20, 30, 20, 20]);
  assert.deepEqual(fillMissing(rows, 'score', 'median').map((r) => r.score), [10, 20, 30, 20, 20]);
  assert.deepEqual(fillMissing(rows, 'score', 'previous').map((r) => r.score), [10, 10, 30, 30, 20]);
  assert.deepEqual(fillMissing(rows, 'team', { value: '?' }).map((r) => r.team), ['a', '?', '?', 'b', 'c']);
  assert.throws(() => fillMissing(rows, 'score', 'zero'), RangeError);
});

test('inputs are not modified', () => {
  fillMissing(rows, 'score', 'mean');
  assert.equal(rows[1].score, null);
  assert.equal(fillMissing([{ v: null }, { v: 1 }], 'v', 'previous')[0].v, null);
});
