export function isPrime(n) {
  if (!Number.isInteger(n) || n < 2) return false;
  if (n % 2 === 0) return n === 2;
  for (let d = 3; d * d <= n; d += 2) {
    if (n % d === 0) return false;
  }
  return true;
}

export function primesUpTo(n) {
  if (n < 2) return [];
  const limit = Math.floor(n);
  const composite = new Uint8Array(limit + 1);
  const primes = [];
  for (let i = 2; i <= limit; i++) {
    if (composite[i]) continue;
    primes.push(i);
    for (let j = i * i; j <= limit; j += i) composite[j] = 1;
  }
  return primes;
}

export function primeFactors(n) {
  if (!Number.isSafeInteger(n) || n < 1) throw new RangeError(`expected a positive integer, got ${n}`);
  const factors = [];
  let rest = n;
  for (let d = 2; d * d <= rest; d += d === 2 ? 1 : 2) {
    while (rest % d === 0) {
      factors.push(d);
      rest /= d;
    }
  }
  if (rest > 1) factors.push(rest);
  return factors;
}

export function nextPrime(n) {
  let candidate = Math.max(2, Math.floor(n) + 1);
  while (!isPrime(candidate)) candidate++;
  return candidate;
}
