import { test } from 'node:test';
import assert from 'node:assert/strict';
import { sortBy, topN } from '../src/sort.js';

const rows = [
  { name: 'b', score: 2, team: 'x' },
  { name: 'a', score: null, team: 'y' },
  { name: 'c', score: 2, team: 'y' },
  { name: 'd', score: 10, team: 'x' },
  { name: 'e', score: 1, team: '' },
];

test('single key, ascending and descending, missing last', () => {
  assert.deepEqual(sortBy(rows, ['score']).map((r) => r.name), ['e', 'b', 'c', 'd', 'a']);
  assert.deepEqual(sortBy(rows, [{ column: 'score', order: 'desc' }]).map((r) => r.name), ['d', 'b', 'c', 'e', 'a']);
});

test('several keys and stability', () => {
  assert.deepEqual(sortBy(rows, ['team', { column: 'score', order: 'desc' }]).map((r) => r.name), ['d', 'b', 'c', 'a', 'e']);
  assert.deepEqual(sortBy(rows, []).map((r) => r.name), ['b', 'a', 'c', 'd', 'e']);
});

test('numbers before strings; input untouched', () => {
  assert.deepEqual(sortBy([{ v: 'x' }, { v: 3 }, { v: 'a' }, { v: 1 }], ['v']).map((r) => r.v), [1, 3, 'a', 'x']);
  assert.equal(rows[0].name, 'b');
});

test('topN', () => {
  assert.deepEqual(topN(rows, 'score', 2).map((r) => r.name), ['d', 'b']);
});
