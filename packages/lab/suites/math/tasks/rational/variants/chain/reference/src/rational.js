import { divisors } from './divisors.js';

export function divisorHarmonicMean(n) {
  const ds = divisors(n);
  const reciprocalSum = ds.reduce((sum, d) => add(sum, rational(1, d)), rational(0));
  return div(rational(ds.length), reciprocalSum);
}

export function oreNumbersUpTo(limit) {
  const found = [];
  for (let n = 1; n <= limit; n++) {
    if (divisorHarmonicMean(n).den === 1) found.push(n);
  }
  return found;
}
