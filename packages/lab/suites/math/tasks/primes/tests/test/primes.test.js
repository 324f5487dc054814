import { test } from 'node:test';
import assert from 'node:assert/strict';
import { isPrime, nextPrime, primeFactors, primesUpTo } from '../src/primes.js';

test('isPrime', () => {
  assert.deepEqual([2, 3, 97, 7919].map(isPrime), [true, true, true, true]);
  assert.deepEqual([-7, 0, 1, 91, 2.5, 7917].map(isPrime), [false, false, false, false, false, false]);
});

test('primesUpTo is a sieve', () => {
  assert.deepEqual(primesUpTo(30), [2, 3, 5, 7, 11, 13, 17, 19, 23, 29]);
  assert.deepEqual(primesUpTo(1), []);
  assert.equal(primesUpTo(10_000).length, 1229);
});

test('primeFactors with multiplicity', () => {
  assert.deepEqual(primeFactors(360), [2, 2, 2, 3, 3, 5]);
  assert.deepEqual(primeFactors(97), [97]);
  assert.deepEqual(primeFactors(1), []);
  assert.deepEqual(primeFactors(2 ** 10 * 999983), [2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 999983]);
  assert.throws(() => primeFactors(0), RangeError);
});

test('nextPrime is strictly greater', () => {
  assert.equal(nextPrime(14), 17);
  assert.equal(nextPrime(17), 19);
  assert.equal(nextPrime(-5), 2);
});
