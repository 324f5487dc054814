import { mean } from './statistics.js';

export function centered(xs) {
  const m = mean(xs);
  return xs.map((x) => x - m);
}

export function pearson(xs, ys) {
  assertSameLength(xs, ys);
  return dot(normalize(centered(xs)), normalize(centered(ys)));
}
