function assertWindow(window) {
  if (!Number.isInteger(window) || window <= 0) throw new RangeError(`window must be a positive integer, got ${window}`);
}

export function rollingSum(values, window) {
  assertWindow(window);
  return values.map((_, i) => {
    if (i < window - 1) return null;
    const slice = values.slice(i - window + 1, i + 1);
    return slice.some((v) => v === null) ? null : slice.reduce((s, v) => s + v, 0);
  });
}

export function movingAverage(values, window) {
  return rollingSum(values, window).map((sum) => (sum === null ? null : sum / window));
}

export function ema(values, alpha) {
  if (!(alpha > 0 && alpha <= 1)) throw new RangeError(`alpha must be in (0, 1], got ${alpha}`);
  let state = null;
  return values.map((v) => {
    if (v !== null) state = state === null ? v : alpha * v + (1 - alpha) * state;
    return state;
  });
}
