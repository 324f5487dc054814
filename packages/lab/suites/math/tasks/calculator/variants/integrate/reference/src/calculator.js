import { toBase } from './base-convert.js';
import { binomial, factorial } from './combinatorics.js';
import { abs as complexAbs, complex } from './complex.js';
import { derivative } from './differentiation.js';
import { sumOfDivisors } from './divisors.js';
import { gcd, lcm } from './gcd.js';
import { doublingTime } from './growth.js';
import { simpson } from './integration.js';
import { linearInterpolate } from './interpolation.js';
import { determinant } from './linear-solve.js';
import { identity, matMul } from './matrix.js';
import { modPow } from './modular.js';
import { rk4 } from './ode.js';
import { polyEval } from './polynomial.js';
import { isPrime, primesUpTo } from './primes.js';
import { add as addRational, rational, toNumber } from './rational.js';
import { bisection } from './roots.js';
import { mean, median, stddev } from './statistics.js';
import { norm } from './vector.js';

function fibonacci(n) {
  let result = identity(2);
  for (let i = 0; i < n; i++) result = matMul(result, [[1, 1], [1, 0]]);
  return result[0][1];
}

export const library = {
  gcd,
  lcm,
  modpow: modPow,
  isprime: (n) => (isPrime(n) ? 1 : 0),
  primecount: (n) => primesUpTo(n).length,
  sigma: sumOfDivisors,
  fracadd: (a, b, c, d) => toNumber(addRational(rational(a, b), rational(c, d))),
  poly: (x, ...coefficients) => polyEval(coefficients, x),
  nthroot: (x, n) => bisection((t) => t ** n - x, 0, Math.max(1, x)),
  erf: (x) => (2 / Math.sqrt(Math.PI)) * simpson((t) => Math.exp(-t * t), 0, x),
  mean: (...xs) => mean(xs),
  median: (...xs) => median(xs),
  stddev: (...xs) => stddev(xs),
  norm: (...xs) => norm(xs),
  fib: fibonacci,
  det2: (a, b, c, d) => determinant([[a, b], [c, d]]),
  lerp: (x0, y0, x1, y1, x) => linearInterpolate([x0, x1], [y0, y1], x),
  dpow: (x, n) => derivative((t) => t ** n, x),
  decay: (y0, k, t) => rk4((_, y) => -k * y, y0, 0, t, 100).at(-1)[1],
  doubling: doublingTime,
  choose: binomial,
  fact: factorial,
  cabs: (re, im) => complexAbs(complex(re, im)),
  ndigits: (n, base) => toBase(n, base).replace('-', '').length,
};

export function calc(expression, variables = {}) {
  return evaluate(expression, { variables, functions: library });
}
