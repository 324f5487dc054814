import { pearson } from './correlation.js';

export function fitSummary(xs, ys) {
  const n = xs.filter((x, i) => x !== null && ys[i] !== null).length;
  return { ...linearFit(xs, ys), r: pearson(xs, ys), n };
}
