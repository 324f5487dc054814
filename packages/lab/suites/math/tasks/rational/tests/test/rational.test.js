import { test } from 'node:test';
import assert from 'node:assert/strict';
import { add, compare, div, mul, rational, sub, toNumber, toString } from '../src/rational.js';

const plain = (r) => ({ num: r.num, den: r.den });

test('rational normalises sign and common factors', () => {
  assert.deepEqual(plain(rational(6, -8)), { num: -3, den: 4 });
  assert.deepEqual(plain(rational(0, -5)), { num: 0, den: 1 });
  assert.deepEqual(plain(rational(7)), { num: 7, den: 1 });
  assert.ok(Object.isFrozen(rational(1, 2)));
  assert.throws(() => rational(1, 0), RangeError);
  assert.throws(() => rational(0.5, 2), TypeError);
});

test('arithmetic is exact', () => {
  assert.deepEqual(plain(add(rational(1, 2), rational(1, 3))), { num: 5, den: 6 });
  assert.deepEqual(plain(sub(rational(1, 2), rational(1, 2))), { num: 0, den: 1 });
  assert.deepEqual(plain(mul(rational(2, 3), rational(9, 4))), { num: 3, den: 2 });
  assert.deepEqual(plain(div(rational(1, 2), rational(-3, 4))), { num: -2, den: 3 });
  assert.throws(() => div(rational(1, 2), rational(0)), RangeError);
});

test('compare and conversions', () => {
  assert.equal(compare(rational(1, 3), rational(2, 7)), 1);
  assert.equal(compare(rational(-1, 2), rational(1, -2)), 0);
  assert.equal(compare(rational(-1, 2), rational(0)), -1);
  assert.equal(toNumber(rational(3, 8)), 0.375);
  assert.equal(toString(rational(-6, 8)), '-3/4');
  assert.equal(toString(rational(4, 2)), '2');
});
