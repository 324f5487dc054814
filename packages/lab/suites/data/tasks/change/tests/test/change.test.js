import { test } from 'node:test';
import assert from 'node:assert/strict';
import { cumulativeSum, diff, indexTo, percentChange } from '../src/change.js';

test('diff with lags and gaps', () => {
  assert.deepEqual(diff([1, 4, 9, 16]), [null, 3, 5, 7]);
  assert.deepEqual(diff([1, 4, 9, 16], 2), [null, null, 8, 12]);
  assert.deepEqual(diff([1, null, 9]), [null, null, null]);
  assert.throws(() => diff([1], 0), RangeError);
});

test('percentChange', () => {
  assert.deepEqual(percentChange([100, 110, 99, 0, 5]), [null, 10, -10, -100, null]);
  assert.deepEqual(percentChange([null, 10, 20]), [null, null, 100]);
});

test('cumulativeSum and indexTo', () => {
  assert.deepEqual(cumulativeSum([1, null, 2, 3]), [1, 1, 3, 6]);
  assert.deepEqual(indexTo([50, 75, null, 25]), [100, 150, null, 50]);
  assert.deepEqual(indexTo([2, 3], 1), [1, 1.5]);
  assert.throws(() => indexTo([0, 1]), RangeError);
});
