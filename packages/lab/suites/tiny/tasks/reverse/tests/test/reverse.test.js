import { test } from 'node:test';
import assert from 'node:assert/strict';
import { reverseString } from '../src/reverse.js';

test('reverses ASCII', () => {
  assert.equal(reverseString('abc'), 'cba');
  assert.equal(reverseString(''), '');
});

test('keeps astral characters whole', () => {
  assert.equal(reverseString('a😀b'), 'b😀a');
});

test('rejects non-strings', () => {
  assert.throws(() => reverseString(null), TypeError);
});
