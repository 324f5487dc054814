import { test } from 'node:test';
import assert from 'node:assert/strict';
import { STOP_WORDS, keywords, ngrams, tokenize, wordFrequencies } from '../src/text.js';

test('tokenize keeps inner apostrophes', () => {
  assert.deepEqual(tokenize("Don't stop! It's 2024, isn't it?"), ["don't", 'stop', "it's", '2024', "isn't", 'it']);
  assert.deepEqual(tokenize('  ...  '), []);
  assert.equal(STOP_WORDS.size, 21);
});

test('wordFrequencies with and without stop words', () => {
  const text = 'The cat and the hat. The cat sat.';
  assert.deepEqual(wordFrequencies(text), [
    { word: 'cat', count: 2 },
    { word: 'hat', count: 1 },
    { word: 'sat', count: 1 },
  ]);
  assert.deepEqual(wordFrequencies(text, { stopWords: false })[0], { word: 'the', count: 3 });
});

test('ngrams', () => {
  assert.deepEqual(ngrams(['a', 'b', 'c', 'd'], 2), ['a b', 'b c', 'c d']);
  assert.deepEqual(ngrams(['a'], 2), []);
  assert.throws(() => ngrams(['a'], 0), RangeError);
});

test('keywords by tf-idf', () => {
  const docs = ['apples and pears and apples', 'pears and plums', 'plums plums and cherries'];
  assert.deepEqual(keywords(docs, 2), [['apples', 'pears'], ['pears', 'plums'], ['cherries', 'plums']]);
  assert.deepEqual(keywords(['same words', 'same words']), [[], []]);
});
