function assertNonEmpty(xs) {
  if (xs.length === 0) throw new RangeError('statistics of an empty array');
}

const sorted = (xs) => [...xs].sort((a, b) => a - b);

export function mean(xs) {
  assertNonEmpty(xs);
  return xs.reduce((sum, x) => sum + x, 0) / xs.length;
}

export function median(xs) {
  return quantile(xs, 0.5);
}

export function mode(xs) {
  assertNonEmpty(xs);
  const counts = new Map();
  for (const x of xs) counts.set(x, (counts.get(x) ?? 0) + 1);
  let best;
  for (const [value, count] of counts) {
    if (best === undefined || count > best.count || (count === best.count && value < best.value)) best = { value, count };
  }
  return best.value;
}

export function variance(xs, { sample = false } = {}) {
  assertNonEmpty(xs);
  if (sample && xs.length < 2) throw new RangeError('sample variance needs at least two values');
  const m = mean(xs);
  const squares = xs.reduce((sum, x) => sum + (x - m) ** 2, 0);
  return squares / (sample ? xs.length - 1 : xs.length);
}

export function stddev(xs, options) {
  return Math.sqrt(variance(xs, options));
}

export function quantile(xs, q) {
  assertNonEmpty(xs);
  if (!(q >= 0 && q <= 1)) throw new RangeError(`quantile needs 0 <= q <= 1, got ${q}`);
  const s = sorted(xs);
  const h = (s.length - 1) * q;
  const lo = Math.floor(h);
  const hi = Math.min(lo + 1, s.length - 1);
  return s[lo] + (h - lo) * (s[hi] - s[lo]);
}
