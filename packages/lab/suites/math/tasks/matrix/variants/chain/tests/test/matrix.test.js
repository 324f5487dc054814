import { matPow, matVec, rowNorms } from '../src/matrix.js';

test('matVec and rowNorms', () => {
  assert.deepEqual(matVec([[1, 2], [3, 4]], [1, 1]), [3, 7]);
  assert.throws(() => matVec([[1, 2]], [1, 2, 3]), RangeError);
  assert.deepEqual(rowNorms([[3, 4], [0, 0]]), [5, 0]);
});

test('matPow by squaring: Fibonacci numbers', () => {
  assert.deepEqual(matPow([[1, 1], [1, 0]], 10), [[89, 55], [55, 34]]);
  assert.deepEqual(matPow([[2, 0], [0, 3]], 0), identity(2));
  assert.throws(() => matPow([[1, 2]], 2), RangeError);
});
