import { test } from 'node:test';
import assert from 'node:assert/strict';
import { binomial, combinations, factorial, permutations } from '../src/combinatorics.js';

test('factorial', () => {
  assert.equal(factorial(0), 1);
  assert.equal(factorial(10), 3628800);
  assert.ok(Number.isFinite(factorial(170)));
  assert.throws(() => factorial(-1), RangeError);
  assert.throws(() => factorial(171), RangeError);
});

test('binomial', () => {
  assert.equal(binomial(5, 2), 10);
  assert.equal(binomial(52, 5), 2598960);
  assert.equal(binomial(50, 25), 126410606437752);
  assert.equal(binomial(5, 7), 0);
  assert.equal(binomial(5, -1), 0);
  assert.equal(binomial(0, 0), 1);
});

test('permutations in lexicographic order of positions', () => {
  assert.deepEqual(permutations([1, 2, 3]), [[1, 2, 3], [1, 3, 2], [2, 1, 3], [2, 3, 1], [3, 1, 2], [3, 2, 1]]);
  assert.deepEqual(permutations([]), [[]]);
  assert.equal(permutations(['a', 'b', 'c', 'd', 'e']).length, 120);
});

test('combinations', () => {
  assert.deepEqual(combinations(['a', 'b', 'c', 'd'], 2), [['a', 'b'], ['a', 'c'], ['a', 'd'], ['b', 'c'], ['b', 'd'], ['c', 'd']]);
  assert.deepEqual(combinations([1, 2], 0), [[]]);
  assert.deepEqual(combinations([1, 2], 3), []);
  assert.equal(combinations([...'abcdefghij'], 4).length, binomial(10, 4));
});
