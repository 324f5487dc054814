import { test } from 'node:test';
import assert from 'node:assert/strict';
import { splitWords } from '../src/words.js';

test('splits on punctuation and spaces and lower-cases', () => {
  assert.deepEqual(splitWords('Hello, World!'), ['hello', 'world']);
  assert.deepEqual(splitWords('a-b_c  d'), ['a', 'b', 'c', 'd']);
});

test('keeps digits inside words', () => {
  assert.deepEqual(splitWords('Top 10 tips for 2024'), ['top', '10', 'tips', 'for', '2024']);
});

test('returns an empty array when there are no words', () => {
  assert.deepEqual(splitWords(''), []);
  assert.deepEqual(splitWords(' ?! '), []);
});

test('rejects non-strings', () => {
  assert.throws(() => splitWords(42), TypeError);
});
