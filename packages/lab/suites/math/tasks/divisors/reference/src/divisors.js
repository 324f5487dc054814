function assertPositive(n) {
  if (!Number.isSafeInteger(n) || n < 1) throw new RangeError(`expected a positive integer, got ${n}`);
}

export function divisors(n) {
  assertPositive(n);
  const small = [];
  const large = [];
  for (let d = 1; d * d <= n; d++) {
    if (n % d !== 0) continue;
    small.push(d);
    if (d !== n / d) large.push(n / d);
  }
  return [...small, ...large.reverse()];
}

export function sumOfDivisors(n) {
  return divisors(n).reduce((sum, d) => sum + d, 0);
}

export function classify(n) {
  const proper = sumOfDivisors(n) - n;
  if (proper === n) return 'perfect';
  return proper > n ? 'abundant' : 'deficient';
}
