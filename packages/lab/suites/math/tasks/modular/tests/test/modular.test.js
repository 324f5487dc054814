import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mod, modMul, modPow } from '../src/modular.js';

test('mod is never negative', () => {
  assert.equal(mod(7, 3), 1);
  assert.equal(mod(-7, 3), 2);
  assert.equal(mod(-9, 3), 0);
  assert.throws(() => mod(5, 0), RangeError);
});

test('modMul is exact beyond 2^53', () => {
  assert.equal(modMul(2 ** 40, 2 ** 40, 1_000_000_007), 496641140);
  assert.equal(modMul(-3, 5, 7), 6);
});

test('modPow by square-and-multiply', () => {
  assert.equal(modPow(2, 10, 1000), 24);
  assert.equal(modPow(3, 0, 7), 1);
  assert.equal(modPow(5, 3, 1), 0);
  assert.equal(modPow(-2, 3, 5), 2);
  assert.equal(modPow(2, 100, 1_000_000_007), 976371285);
});

test('Fermat: a^(p-1) = 1 mod p for a prime p', () => {
  assert.equal(modPow(7, 1_000_000_006, 1_000_000_007), 1);
});

test('a negative exponent is rejected', () => {
  assert.throws(() => modPow(2, -1, 7), RangeError);
});
