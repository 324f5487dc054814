export function histogram(values, { bins = 10, min, max } = {}) {
  if (!Number.isInteger(bins) || bins <= 0) throw new RangeError(`bins must be a positive integer, got ${bins}`);
  const present = values.filter((v) => v !== null);
  if (present.length === 0 && (min === undefined || max === undefined)) return [];
  const lo = min ?? Math.min(...present);
  const hi = max ?? Math.max(...present);
  if (lo === hi) return [{ x0: lo, x1: hi, count: present.filter((v) => v === lo).length }];
  const width = (hi - lo) / bins;
  const out = Array.from({ length: bins }, (_, i) => ({ x0: lo + i * width, x1: i === bins - 1 ? hi : lo + (i + 1) * width, count: 0 }));
  for (const v of present) {
    if (v < lo || v > hi) continue;
    out[v === hi ? bins - 1 : Math.min(bins - 1, Math.floor((v - lo) / width))].count++;
  }
  return out;
}

export function frequencies(values) {
  const counts = new Map();
  for (const v of values) if (v !== null) counts.set(v, (counts.get(v) ?? 0) + 1);
  const order = (a, b) => (typeof a === 'number' && typeof b === 'number' ? a - b : String(a) < String(b) ? -1 : String(a) > String(b) ? 1 : 0);
  return [...counts].map(([value, count]) => ({ value, count })).sort((a, b) => b.count - a.count || order(a.value, b.value));
}
