import { test } from 'node:test';
import assert from 'node:assert/strict';
import { add, angle, cross, dot, norm, normalize, scale, sub } from '../src/vector.js';

const near = (actual, expected, tolerance) =>
  assert.ok(Math.abs(actual - expected) <= tolerance, `${actual} is not within ${tolerance} of ${expected}`);

test('arithmetic', () => {
  assert.equal(dot([1, 2, 3], [4, 5, 6]), 32);
  assert.deepEqual(add([1, 2], [3, 4]), [4, 6]);
  assert.deepEqual(sub([1, 2], [3, 4]), [-2, -2]);
  assert.deepEqual(scale([1, -2], 3), [3, -6]);
});

test('norm and normalize', () => {
  assert.equal(norm([3, 4]), 5);
  assert.deepEqual(normalize([0, 5]), [0, 1]);
  assert.throws(() => normalize([0, 0]), RangeError);
});

test('cross product and angle', () => {
  assert.deepEqual(cross([1, 0, 0], [0, 1, 0]), [0, 0, 1]);
  near(angle([1, 0], [0, 2]), Math.PI / 2, 1e-15);
  near(angle([1, 1], [-2, -2]), Math.PI, 1e-7);
  assert.throws(() => cross([1, 0], [0, 1]), RangeError);
});

test('length mismatch is an error', () => {
  assert.throws(() => dot([1], [1, 2]), RangeError);
  assert.throws(() => add([1, 2, 3], [1]), RangeError);
});
