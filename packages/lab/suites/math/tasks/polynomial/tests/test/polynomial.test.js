import { test } from 'node:test';
import assert from 'node:assert/strict';
import { polyAdd, polyDerivative, polyEval, polyMul, polyToString } from '../src/polynomial.js';

test('polyAdd normalises trailing zeros', () => {
  assert.deepEqual(polyAdd([1, 2], [3, 4, 5]), [4, 6, 5]);
  assert.deepEqual(polyAdd([1, 2, 3], [-1, -2, -3]), []);
  assert.deepEqual(polyAdd([0, 0], []), []);
});

test('polyMul', () => {
  assert.deepEqual(polyMul([1, 1], [1, -1]), [1, 0, -1]);
  assert.deepEqual(polyMul([1, 2, 1], [1, 1]), [1, 3, 3, 1]);
  assert.deepEqual(polyMul([], [1, 2]), []);
});

test('polyEval by Horner', () => {
  assert.equal(polyEval([1, 0, -3, 2], 2), 5);
  assert.equal(polyEval([], 3), 0);
  assert.equal(polyEval([7], 100), 7);
});

test('polyDerivative', () => {
  assert.deepEqual(polyDerivative([1, 0, -3, 2]), [0, -6, 6]);
  assert.deepEqual(polyDerivative([5]), []);
});

test('polyToString', () => {
  assert.equal(polyToString([1, 0, -3, 2]), '2x^3 - 3x^2 + 1');
  assert.equal(polyToString([0, -1]), '-x');
  assert.equal(polyToString([-1, 1]), 'x - 1');
  assert.equal(polyToString([1, 1, 0]), 'x + 1');
  assert.equal(polyToString([]), '0');
});
