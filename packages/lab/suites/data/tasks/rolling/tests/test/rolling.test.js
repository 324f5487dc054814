import { test } from 'node:test';
import assert from 'node:assert/strict';
import { ema, movingAverage, rollingSum } from '../src/rolling.js';

test('rollingSum and movingAverage use trailing windows', () => {
  assert.deepEqual(rollingSum([1, 2, 3, 4, 5], 3), [null, null, 6, 9, 12]);
  assert.deepEqual(movingAverage([1, 2, 3, 4, 5], 2), [null, 1.5, 2.5, 3.5, 4.5]);
  assert.deepEqual(movingAverage([4, 8], 1), [4, 8]);
  assert.deepEqual(movingAverage([1, 2], 3), [null, null]);
});

test('a missing value blanks every window containing it', () => {
  assert.deepEqual(movingAverage([2, null, 4, 6, 8], 2), [null, null, null, 5, 7]);
  assert.throws(() => rollingSum([1], 0), RangeError);
});

test('ema', () => {
  assert.deepEqual(ema([null, 10, 20, null, 40], 0.5), [null, 10, 15, 15, 27.5]);
  assert.deepEqual(ema([3, 5], 1), [3, 5]);
  assert.throws(() => ema([1], 0), RangeError);
});
