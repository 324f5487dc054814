import { test } from 'node:test';
import assert from 'node:assert/strict';
import { classify, divisors, sumOfDivisors } from '../src/divisors.js';

test('divisors in ascending order', () => {
  assert.deepEqual(divisors(28), [1, 2, 4, 7, 14, 28]);
  assert.deepEqual(divisors(36), [1, 2, 3, 4, 6, 9, 12, 18, 36]);
  assert.deepEqual(divisors(1), [1]);
  assert.deepEqual(divisors(97), [1, 97]);
});

test('sumOfDivisors includes n', () => {
  assert.equal(sumOfDivisors(12), 28);
  assert.equal(sumOfDivisors(1), 1);
  assert.equal(sumOfDivisors(999_983), 999_984);
});

test('classify', () => {
  assert.deepEqual([6, 28, 496, 8128].map(classify), ['perfect', 'perfect', 'perfect', 'perfect']);
  assert.equal(classify(12), 'abundant');
  assert.equal(classify(8), 'deficient');
  assert.equal(classify(1), 'deficient');
});

test('rejects non-positive input', () => {
  assert.throws(() => divisors(0), RangeError);
  assert.throws(() => sumOfDivisors(-6), RangeError);
});
