import { test } from 'node:test';
import assert from 'node:assert/strict';
import { lagrange, linearInterpolate, resample } from '../src/interpolation.js';

const near = (actual, expected, tolerance = 1e-12) =>
  assert.ok(Math.abs(actual - expected) <= tolerance, `${actual} is not within ${tolerance} of ${expected}`);

test('linearInterpolate', () => {
  assert.equal(linearInterpolate([0, 10], [0, 100], 2.5), 25);
  assert.equal(linearInterpolate([0, 1, 3], [0, 10, 0], 1), 10);
  assert.equal(linearInterpolate([0, 1, 3], [0, 10, 0], 2), 5);
  assert.throws(() => linearInterpolate([0, 1], [0, 1], 1.5), RangeError);
});

test('lagrange reproduces polynomials', () => {
  near(lagrange([0, 1, 2], [1, 3, 7], 3), 13);
  near(lagrange([-1, 0, 2, 5], [-1, 0, 8, 125], 3), 27);
  assert.throws(() => lagrange([1, 1], [2, 3], 0), RangeError);
  assert.throws(() => lagrange([1, 2], [2], 0), RangeError);
});

test('resample', () => {
  assert.deepEqual(resample([0, 2, 4], [0, 4, 0], [0, 1, 2, 3, 4]), [0, 2, 4, 2, 0]);
});
