import { lagrange } from './interpolation.js';

export function sampledDerivative(xs, ys, x) {
  return derivative((t) => lagrange(xs, ys, t), x, 1e-4);
}
