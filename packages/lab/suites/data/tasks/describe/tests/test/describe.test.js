import { test } from 'node:test';
import assert from 'node:assert/strict';
import { describe as summarize, quantile } from '../src/describe.js';

test('quantile interpolates and skips missing values', () => {
  const values = [4, null, 1, 3, 2];
  assert.equal(quantile(values, 0.25), 1.75);
  assert.equal(quantile(values, 0.5), 2.5);
  assert.equal(quantile(values, 1), 4);
  assert.equal(quantile([], 0.5), null);
  assert.throws(() => quantile(values, -0.1), RangeError);
  assert.deepEqual(values, [4, null, 1, 3, 2]);
});

test('describe', () => {
  assert.deepEqual(summarize([1, 2, 3, 4, null, Number.NaN]), {
    count: 4,
    missing: 2,
    mean: 2.5,
    std: Math.sqrt(5 / 3),
    min: 1,
    q1: 1.75,
    median: 2.5,
    q3: 3.25,
    max: 4,
  });
});

test('describe of tiny inputs', () => {
  assert.equal(summarize([5]).std, null);
  assert.deepEqual(summarize([null]), { count: 0, missing: 1, mean: null, std: null, min: null, q1: null, median: null, q3: null, max: null });
});
