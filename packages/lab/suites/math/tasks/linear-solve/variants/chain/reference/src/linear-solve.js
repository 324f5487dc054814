import { matMul, transpose } from './matrix.js';

export function leastSquares(a, b) {
  const at = transpose(a);
  const rhs = matMul(at, b.map((v) => [v])).map((row) => row[0]);
  return solve(matMul(at, a), rhs);
}
