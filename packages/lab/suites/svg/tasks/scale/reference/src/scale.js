export function linearScale(domain, range, { clamp = false } = {}) {
  const [d0, d1] = domain;
  const [r0, r1] = range;
  if (d0 === d1) throw new RangeError('linearScale needs a non-empty domain');
  const lo = Math.min(d0, d1);
  const hi = Math.max(d0, d1);
  const clampTo = (v) => (clamp ? Math.min(hi, Math.max(lo, v)) : v);
  const scale = (v) => r0 + ((clampTo(v) - d0) / (d1 - d0)) * (r1 - r0);
  scale.invert = (y) => clampTo(d0 + ((y - r0) / (r1 - r0)) * (d1 - d0));
  scale.domain = [d0, d1];
  scale.range = [r0, r1];
  return scale;
}

export function bandScale(categories, [r0, r1], { padding = 0 } = {}) {
  if (!(padding >= 0 && padding < 1)) throw new RangeError(`padding must be in [0, 1), got ${padding}`);
  const step = (r1 - r0) / categories.length;
  const index = new Map(categories.map((c, i) => [c, i]));
  return {
    step,
    bandwidth: step * (1 - padding),
    map(category) {
      if (!index.has(category)) throw new RangeError(`unknown category ${category}`);
      return r0 + index.get(category) * step + (step * padding) / 2;
    },
  };
}
