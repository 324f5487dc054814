import { isProbablePrime } from '../src/primes.js';

test('isProbablePrime agrees with isPrime on small numbers', () => {
  for (let n = -3; n <= 3000; n++) assert.equal(isProbablePrime(n), isPrime(n), `n = ${n}`);
});

test('isProbablePrime on large numbers and Carmichael numbers', () => {
  assert.equal(isProbablePrime(2_147_483_647), true);
  assert.equal(isProbablePrime(9_007_199_254_740_881), true);
  assert.equal(isProbablePrime(999_999_999_999_989), true);
  assert.equal(isProbablePrime(4_294_967_297), false);
  assert.equal(isProbablePrime(561), false);
  assert.equal(isProbablePrime(3_215_031_751), false);
});
