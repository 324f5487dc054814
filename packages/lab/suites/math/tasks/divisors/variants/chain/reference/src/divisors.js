import { primeFactors } from './primes.js';

/** Exponent of each distinct prime. */
function factorisation(n) {
  const counts = new Map();
  for (const p of primeFactors(n)) counts.set(p, (counts.get(p) ?? 0) + 1);
  return counts;
}

export function totient(n) {
  let result = n;
  for (const p of factorisation(n).keys()) result = (result / p) * (p - 1);
  return result;
}

export function divisorCount(n) {
  let count = 1;
  for (const e of factorisation(n).values()) count *= e + 1;
  return count;
}
