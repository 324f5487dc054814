import { test } from 'node:test';
import assert from 'node:assert/strict';
import { egcd, gcd, lcm } from '../src/gcd.js';

test('gcd of positive, negative and zero arguments', () => {
  assert.equal(gcd(48, 18), 6);
  assert.equal(gcd(-12, 18), 6);
  assert.equal(gcd(17, 5), 1);
  assert.equal(gcd(0, -5), 5);
  assert.equal(gcd(0, 0), 0);
});

test('lcm is non-negative and zero with a zero argument', () => {
  assert.equal(lcm(4, 6), 12);
  assert.equal(lcm(-3, 5), 15);
  assert.equal(lcm(0, 7), 0);
  assert.equal(lcm(2 ** 26, 2 ** 26 * 3), 2 ** 26 * 3);
});

test('egcd returns Bezout coefficients', () => {
  for (const [a, b] of [[240, 46], [-35, 15], [17, 0], [0, 9], [123456789, 987654321]]) {
    const { g, x, y } = egcd(a, b);
    assert.equal(g, gcd(a, b));
    assert.equal(a * x + b * y, g);
  }
});

test('non-integers are rejected', () => {
  assert.throws(() => gcd(1.5, 2), TypeError);
  assert.throws(() => lcm(2, Number.NaN), TypeError);
  assert.throws(() => egcd('4', 2), TypeError);
});
