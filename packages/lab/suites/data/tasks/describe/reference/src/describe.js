const isMissing = (v) => v === null || v === undefined || Number.isNaN(v);

export function quantile(values, q) {
  if (!(q >= 0 && q <= 1)) throw new RangeError(`q must be in [0, 1], got ${q}`);
  const s = values.filter((v) => !isMissing(v)).sort((a, b) => a - b);
  if (s.length === 0) return null;
  const h = (s.length - 1) * q;
  const lo = Math.floor(h);
  const hi = Math.min(lo + 1, s.length - 1);
  return s[lo] + (h - lo) * (s[hi] - s[lo]);
}

export function describe(values) {
  const xs = values.filter((v) => !isMissing(v));
  const count = xs.length;
  const missing = values.length - count;
  if (count === 0) return { count, missing, mean: null, std: null, min: null, q1: null, median: null, q3: null, max: null };
  const mean = xs.reduce((s, x) => s + x, 0) / count;
  const std = count < 2 ? null : Math.sqrt(xs.reduce((s, x) => s + (x - mean) ** 2, 0) / (count - 1));
  return {
    count,
    missing,
    mean,
    std,
    min: Math.min(...xs),
    q1: quantile(xs, 0.25),
    median: quantile(xs, 0.5),
    q3: quantile(xs, 0.75),
    max: Math.max(...xs),
  };
}
