import { solve } from './linear-solve.js';

export function polyFit(xs, ys, degree) {
  assertSamples(xs, ys);
  if (!Number.isInteger(degree) || degree < 0 || degree >= xs.length) {
    throw new RangeError(`degree must be an integer in [0, ${xs.length - 1}], got ${degree}`);
  }
  const size = degree + 1;
  const m = Array.from({ length: size }, (_, i) =>
    Array.from({ length: size }, (_, j) => xs.reduce((sum, x) => sum + x ** (i + j), 0)),
  );
  const r = Array.from({ length: size }, (_, i) => xs.reduce((sum, x, k) => sum + ys[k] * x ** i, 0));
  return solve(m, r);
}
