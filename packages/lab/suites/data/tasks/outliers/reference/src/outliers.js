const presentValues = (values) => values.filter((v) => v !== null);

export function zScores(values) {
  const xs = presentValues(values);
  const mean = xs.reduce((s, x) => s + x, 0) / xs.length;
  const sd = Math.sqrt(xs.reduce((s, x) => s + (x - mean) ** 2, 0) / xs.length);
  return values.map((v) => (v === null ? null : sd === 0 ? 0 : (v - mean) / sd));
}

export function zScoreOutliers(values, threshold = 3) {
  return zScores(values).flatMap((z, i) => (z !== null && Math.abs(z) > threshold ? [i] : []));
}

function quantile(sorted, q) {
  const h = (sorted.length - 1) * q;
  const lo = Math.floor(h);
  const hi = Math.min(lo + 1, sorted.length - 1);
  return sorted[lo] + (h - lo) * (sorted[hi] - sorted[lo]);
}

export function iqrOutliers(values, k = 1.5) {
  const sorted = presentValues(values).sort((a, b) => a - b);
  if (sorted.length === 0) return [];
  const q1 = quantile(sorted, 0.25);
  const q3 = quantile(sorted, 0.75);
  const iqr = q3 - q1;
  return values.flatMap((v, i) => (v !== null && (v < q1 - k * iqr || v > q3 + k * iqr) ? [i] : []));
}
