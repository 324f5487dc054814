import { dot, norm } from './vector.js';

export function matVec(m, v) {
  shape(m);
  return m.map((row) => dot(row, v));
}

export function rowNorms(m) {
  shape(m);
  return m.map((row) => norm(row));
}

export function matPow(m, k) {
  const [rows, cols] = shape(m);
  if (rows !== cols) throw new RangeError('matPow needs a square matrix');
  let result = identity(rows);
  let base = m;
  for (let e = k; e > 0; e = Math.floor(e / 2)) {
    if (e % 2 === 1) result = matMul(result, base);
    base = matMul(base, base);
  }
  return result;
}
