import { egcd } from './gcd.js';

export function modInverse(a, m) {
  const { g, x } = egcd(mod(a, m), m);
  if (g !== 1) throw new RangeError(`${a} has no inverse modulo ${m} (gcd ${g})`);
  return mod(x, m);
}
