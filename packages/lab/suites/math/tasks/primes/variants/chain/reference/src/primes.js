import { modPow } from './modular.js';

const WITNESSES = [2, 3, 5, 7, 11, 13, 17, 19, 23, 29, 31, 37];

/** Miller-Rabin with the first twelve primes as witnesses: deterministic below 3.3e24. */
export function isProbablePrime(n) {
  if (!Number.isSafeInteger(n) || n < 2) return false;
  for (const p of WITNESSES) {
    if (n % p === 0) return n === p;
  }
  let d = n - 1;
  let s = 0;
  while (d % 2 === 0) {
    d /= 2;
    s++;
  }
  for (const a of WITNESSES) {
    let x = modPow(a, d, n);
    if (x === 1 || x === n - 1) continue;
    let composite = true;
    for (let i = 1; i < s && composite; i++) {
      x = modPow(x, 2, n);
      if (x === n - 1) composite = false;
    }
    if (composite) return false;
  }
  return true;
}
