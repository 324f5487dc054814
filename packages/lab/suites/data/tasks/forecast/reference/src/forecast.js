function assertSeries(values) {
  if (!Array.isArray(values) || values.length === 0) throw new RangeError('need a non-empty series');
}

function assertPair(actual, predicted) {
  if (actual.length === 0 || actual.length !== predicted.length) throw new RangeError('need equally long non-empty arrays');
}

export function naiveForecast(values, horizon) {
  assertSeries(values);
  return new Array(horizon).fill(values[values.length - 1]);
}

export function seasonalNaive(values, period, horizon) {
  assertSeries(values);
  if (!Number.isInteger(period) || period <= 0 || period > values.length) throw new RangeError(`bad period ${period}`);
  const n = values.length;
  return Array.from({ length: horizon }, (_, i) => values[n - period + (i % period)]);
}

export function movingAverageForecast(values, window, horizon) {
  assertSeries(values);
  if (!Number.isInteger(window) || window < 1 || window > values.length) throw new RangeError(`bad window ${window}`);
  const tail = values.slice(-window);
  return new Array(horizon).fill(tail.reduce((s, v) => s + v, 0) / window);
}

export function mae(actual, predicted) {
  assertPair(actual, predicted);
  return actual.reduce((s, a, i) => s + Math.abs(a - predicted[i]), 0) / actual.length;
}

export function rmse(actual, predicted) {
  assertPair(actual, predicted);
  return Math.sqrt(actual.reduce((s, a, i) => s + (a - predicted[i]) ** 2, 0) / actual.length);
}

export function mape(actual, predicted) {
  assertPair(actual, predicted);
  const terms = actual.flatMap((a, i) => (a === 0 ? [] : [Math.abs((a - predicted[i]) / a)]));
  return terms.length === 0 ? null : (terms.reduce((s, t) => s + t, 0) / terms.length) * 100;
}
