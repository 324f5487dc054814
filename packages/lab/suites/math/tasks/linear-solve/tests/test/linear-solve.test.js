import { test } from 'node:test';
import assert from 'node:assert/strict';
import { determinant, inverse, solve } from '../src/linear-solve.js';

const near = (actual, expected, tolerance = 1e-12) =>
  assert.ok(Math.abs(actual - expected) <= tolerance, `${actual} is not within ${tolerance} of ${expected}`);
const nearAll = (actual, expected, tolerance = 1e-12) => {
  assert.equal(actual.length, expected.length);
  actual.flat().forEach((x, i) => near(x, expected.flat()[i], tolerance));
};

test('determinant', () => {
  near(determinant([[1, 2], [3, 4]]), -2);
  near(determinant([[2, 0, 0], [0, 3, 0], [0, 0, 4]]), 24);
  near(determinant([[0, 1], [1, 0]]), -1);
  assert.equal(determinant([[1, 2], [2, 4]]), 0);
});

test('solve with pivoting, without touching the inputs', () => {
  const a = [[0, 2], [1, 1]];
  const b = [4, 3];
  nearAll(solve(a, b), [1, 2]);
  assert.deepEqual(a, [[0, 2], [1, 1]]);
  nearAll(solve([[2, 1], [1, 3]], [3, 5]), [0.8, 1.4]);
  assert.throws(() => solve([[1, 2], [2, 4]], [1, 2]), /singular/);
});

test('inverse', () => {
  nearAll(inverse([[4, 7], [2, 6]]), [[0.6, -0.7], [-0.2, 0.4]]);
  nearAll(inverse([[1, 2, 3], [0, 1, 4], [5, 6, 0]]), [[-24, 18, 5], [20, -15, -4], [-5, 4, 1]], 1e-9);
  assert.throws(() => inverse([[1, 1], [1, 1]]), RangeError);
  assert.throws(() => determinant([[1, 2, 3]]), RangeError);
});
