import { test } from 'node:test';
import assert from 'node:assert/strict';
import { uniqueSlugs } from '../src/unique-slugs.js';

test('distinct titles keep their slugs', () => {
  assert.deepEqual(uniqueSlugs(['Hello World', 'Second post']), ['hello-world', 'second-post']);
});

test('repeats get increasing suffixes', () => {
  assert.deepEqual(uniqueSlugs(['Post', 'post!', 'POST']), ['post', 'post-2', 'post-3']);
});

test('a suffix never collides with an existing slug', () => {
  assert.deepEqual(uniqueSlugs(['A b', 'a B', '?', 'a-b-2']), ['a-b', 'a-b-2', 'untitled', 'a-b-2-2']);
});

test('an empty list gives an empty list', () => {
  assert.deepEqual(uniqueSlugs([]), []);
});
