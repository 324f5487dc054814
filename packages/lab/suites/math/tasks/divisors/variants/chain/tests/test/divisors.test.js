import { divisorCount, totient } from '../src/divisors.js';

test('totient from the factorisation', () => {
  assert.equal(totient(1), 1);
  assert.equal(totient(36), 12);
  assert.equal(totient(97), 96);
  assert.equal(totient(1_000_000), 400_000);
});

test('divisorCount matches the divisor list', () => {
  assert.equal(divisorCount(360), 24);
  for (let n = 1; n <= 300; n++) assert.equal(divisorCount(n), divisors(n).length, `n = ${n}`);
});
