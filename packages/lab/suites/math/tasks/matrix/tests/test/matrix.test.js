import { test } from 'node:test';
import assert from 'node:assert/strict';
import { identity, matAdd, matMul, matScale, shape, transpose, zeros } from '../src/matrix.js';

test('constructors and shape', () => {
  assert.deepEqual(identity(2), [[1, 0], [0, 1]]);
  assert.deepEqual(zeros(2, 3), [[0, 0, 0], [0, 0, 0]]);
  assert.deepEqual(shape([[1, 2, 3], [4, 5, 6]]), [2, 3]);
  assert.deepEqual(shape([]), [0, 0]);
  assert.throws(() => shape([[1, 2], [3]]), RangeError);
});

test('transpose, add and scale', () => {
  assert.deepEqual(transpose([[1, 2, 3], [4, 5, 6]]), [[1, 4], [2, 5], [3, 6]]);
  assert.deepEqual(matAdd([[1, 2]], [[3, 4]]), [[4, 6]]);
  assert.deepEqual(matScale([[1, -2]], 3), [[3, -6]]);
  assert.throws(() => matAdd([[1, 2]], [[1], [2]]), RangeError);
});

test('matMul', () => {
  const a = [[1, 2], [3, 4]];
  assert.deepEqual(matMul(a, [[5, 6], [7, 8]]), [[19, 22], [43, 50]]);
  assert.deepEqual(matMul(a, identity(2)), a);
  assert.deepEqual(matMul([[1, 2, 3]], [[1], [2], [3]]), [[14]]);
  assert.throws(() => matMul([[1, 2]], [[1, 2]]), RangeError);
});
