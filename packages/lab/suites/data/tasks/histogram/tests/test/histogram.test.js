import { test } from 'node:test';
import assert from 'node:assert/strict';
import { frequencies, histogram } from '../src/histogram.js';

test('equal-width bins; the maximum goes in the last bin', () => {
  assert.deepEqual(histogram([0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10], { bins: 5 }), [
    { x0: 0, x1: 2, count: 2 },
    { x0: 2, x1: 4, count: 2 },
    { x0: 4, x1: 6, count: 2 },
    { x0: 6, x1: 8, count: 2 },
    { x0: 8, x1: 10, count: 3 },
  ]);
});

test('explicit range drops values outside it; nulls ignored', () => {
  assert.deepEqual(histogram([-5, 1, null, 3, 50], { bins: 2, min: 0, max: 4 }), [
    { x0: 0, x1: 2, count: 1 },
    { x0: 2, x1: 4, count: 1 },
  ]);
});

test('degenerate inputs', () => {
  assert.deepEqual(histogram([7, 7, null]), [{ x0: 7, x1: 7, count: 2 }]);
  assert.deepEqual(histogram([]), []);
  assert.equal(histogram([1, 2, 3]).length, 10);
  assert.throws(() => histogram([1, 2], { bins: 0 }), RangeError);
});

test('frequencies by count, then value', () => {
  assert.deepEqual(frequencies(['b', 'a', 'b', null, 'c', 'a', 'b']), [
    { value: 'b', count: 3 },
    { value: 'a', count: 2 },
    { value: 'c', count: 1 },
  ]);
  assert.deepEqual(frequencies([10, 9, 10, 9, 100]).map((f) => f.value), [9, 10, 100]);
});
