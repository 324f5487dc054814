export function createRng(seed) {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

export function randomInt(rng, min, max) {
  return min + Math.floor(rng() * (max - min + 1));
}

export function shuffle(items, rng) {
  const out = [...items];
  for (let i = out.length - 1; i >= 1; i--) {
    const j = Math.floor(rng() * (i + 1));
    [out[i], out[j]] = [out[j], out[i]];
  }
  return out;
}

export function sample(items, k, rng) {
  if (k > items.length) throw new RangeError(`cannot sample ${k} of ${items.length} items`);
  return shuffle(items, rng).slice(0, k);
}

function quantile(sorted, q) {
  const h = (sorted.length - 1) * q;
  const lo = Math.floor(h);
  const hi = Math.min(lo + 1, sorted.length - 1);
  return sorted[lo] + (h - lo) * (sorted[hi] - sorted[lo]);
}

export function bootstrapMean(values, { iterations = 1000, confidence = 0.95, seed = 1 } = {}) {
  if (values.length === 0) throw new RangeError('bootstrap of an empty sample');
  const n = values.length;
  const meanOf = (xs) => xs.reduce((s, x) => s + x, 0) / xs.length;
  const rng = createRng(seed);
  const means = [];
  for (let i = 0; i < iterations; i++) {
    let sum = 0;
    for (let j = 0; j < n; j++) sum += values[Math.floor(rng() * n)];
    means.push(sum / n);
  }
  means.sort((a, b) => a - b);
  const alpha = (1 - confidence) / 2;
  return { mean: meanOf(values), low: quantile(means, alpha), high: quantile(means, 1 - alpha) };
}
