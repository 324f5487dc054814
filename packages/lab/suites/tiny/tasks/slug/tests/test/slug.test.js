import { test } from 'node:test';
import assert from 'node:assert/strict';
import { slugify } from '../src/slug.js';

test('joins lower-cased words with dashes', () => {
  assert.equal(slugify('Hello, World!'), 'hello-world');
  assert.equal(slugify('  The  Quick brown_fox '), 'the-quick-brown-fox');
});

test('drops whole words to fit maxLength', () => {
  assert.equal(slugify('one two three', 7), 'one-two');
  assert.equal(slugify('one two three', 13), 'one-two-three');
});

test('cuts a single over-long first word', () => {
  assert.equal(slugify('Supercalifragilistic word', 5), 'super');
});

test('returns an empty slug when there are no words', () => {
  assert.equal(slugify('!!!'), '');
});
