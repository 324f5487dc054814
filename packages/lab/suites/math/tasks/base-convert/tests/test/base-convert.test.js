import { test } from 'node:test';
import assert from 'node:assert/strict';
import { fromBase, fromRoman, toBase, toRoman } from '../src/base-convert.js';

test('toBase', () => {
  assert.equal(toBase(255, 16), 'ff');
  assert.equal(toBase(-10, 2), '-1010');
  assert.equal(toBase(0, 7), '0');
  assert.equal(toBase(35, 36), 'z');
  assert.throws(() => toBase(10, 1), RangeError);
});

test('fromBase', () => {
  assert.equal(fromBase('FF', 16), 255);
  assert.equal(fromBase('-z', 36), -35);
  assert.equal(fromBase(toBase(9007199254740991, 36), 36), 9007199254740991);
  assert.throws(() => fromBase('12', 2), SyntaxError);
  assert.throws(() => fromBase('', 10), SyntaxError);
});

test('Roman numerals', () => {
  assert.equal(toRoman(1994), 'MCMXCIV');
  assert.equal(toRoman(3999), 'MMMCMXCIX');
  assert.equal(toRoman(4), 'IV');
  assert.equal(fromRoman('MCMXCIV'), 1994);
  for (let n = 1; n < 4000; n += 37) assert.equal(fromRoman(toRoman(n)), n);
  assert.throws(() => toRoman(0), RangeError);
  for (const bad of ['IIII', 'IC', 'mcm', 'VX', '']) assert.throws(() => fromRoman(bad), SyntaxError, bad);
});
