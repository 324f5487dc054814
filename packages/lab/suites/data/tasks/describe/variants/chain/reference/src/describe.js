import { histogram } from './histogram.js';

export function modeBin(values, bins = 10) {
  const present = values.filter((v) => !isMissing(v));
  if (present.length === 0) return null;
  const best = histogram(present, { bins }).reduce((a, b) => (b.count > a.count ? b : a));
  return (best.x0 + best.x1) / 2;
}
