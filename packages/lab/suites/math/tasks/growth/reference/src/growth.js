export function exponential(p0, rate, t) {
  return p0 * Math.exp(rate * t);
}

export function doublingTime(rate) {
  if (!(rate > 0)) throw new RangeError(`doubling time needs a positive rate, got ${rate}`);
  return Math.LN2 / rate;
}

export function logistic(p0, rate, capacity, t) {
  if (!(p0 > 0) || !(capacity > 0)) throw new RangeError('logistic needs p0 > 0 and capacity > 0');
  return capacity / (1 + ((capacity - p0) / p0) * Math.exp(-rate * t));
}

export function compound(principal, annualRate, years, periodsPerYear = 1) {
  return principal * (1 + annualRate / periodsPerYear) ** (periodsPerYear * years);
}
