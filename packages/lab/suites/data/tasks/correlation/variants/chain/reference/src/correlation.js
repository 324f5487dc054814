import { quantile } from './describe.js';

export function winsorize(values, q = 0.05) {
  const lo = quantile(values, q);
  const hi = quantile(values, 1 - q);
  return values.map((v) => (v === null ? null : Math.min(hi, Math.max(lo, v))));
}

export function winsorizedPearson(xs, ys, q = 0.05) {
  return pearson(winsorize(xs, q), winsorize(ys, q));
}
