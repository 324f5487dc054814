import { test } from 'node:test';
import assert from 'node:assert/strict';
import { countVowels, vowelHistogram } from '../src/vowels.js';

test('counts vowels in both cases', () => {
  assert.equal(countVowels('Hello World'), 3);
  assert.equal(countVowels('AEIOU aeiou'), 10);
});

test('y and accented letters are not vowels', () => {
  assert.equal(countVowels('rhythm'), 0);
  assert.equal(countVowels('café'), 1);
});

test('histogram has every vowel', () => {
  assert.deepEqual(vowelHistogram('Banana split'), { a: 3, e: 0, i: 1, o: 0, u: 0 });
});
