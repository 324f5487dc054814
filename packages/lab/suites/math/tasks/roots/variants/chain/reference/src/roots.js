import { polyDerivative, polyEval } from './polynomial.js';

export function polyRoots(p, a, b) {
  const f = (x) => polyEval(p, x);
  const dp = polyDerivative(p);
  const df = (x) => polyEval(dp, x);
  return findRoots(f, a, b).map((guess) => {
    try {
      return newton(f, df, guess);
    } catch {
      return guess;
    }
  });
}
