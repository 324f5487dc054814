export function diff(values, lag = 1) {
  if (!Number.isInteger(lag) || lag <= 0) throw new RangeError(`lag must be a positive integer, got ${lag}`);
  return values.map((v, i) => (i < lag || v === null || values[i - lag] === null ? null : v - values[i - lag]));
}

export function percentChange(values) {
  return values.map((v, i) => {
    const prev = values[i - 1];
    if (i === 0 || v === null || prev === null || prev === 0) return null;
    return ((v - prev) / prev) * 100;
  });
}

export function cumulativeSum(values) {
  let total = 0;
  return values.map((v) => (total += v ?? 0));
}

export function indexTo(values, base = 100) {
  const first = values[0];
  if (first === 0 || first === null || first === undefined) throw new RangeError('cannot index to a zero or missing first value');
  return values.map((v) => (v === null ? null : (v / first) * base));
}
