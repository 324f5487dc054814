import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mean, median, mode, quantile, stddev, variance } from '../src/statistics.js';

const near = (actual, expected, tolerance) =>
  assert.ok(Math.abs(actual - expected) <= tolerance, `${actual} is not within ${tolerance} of ${expected}`);

test('mean, median and mode', () => {
  assert.equal(mean([1, 2, 3, 4]), 2.5);
  assert.equal(median([3, 1, 2]), 2);
  assert.equal(median([4, 1, 3, 2]), 2.5);
  assert.equal(median([10, 9, 100]), 10);
  assert.equal(mode([3, 1, 2, 2, 3]), 2);
});

test('population and sample variance', () => {
  const xs = [2, 4, 4, 4, 5, 5, 7, 9];
  assert.equal(variance(xs), 4);
  assert.equal(stddev(xs), 2);
  near(variance(xs, { sample: true }), 32 / 7, 1e-12);
  assert.throws(() => variance([1], { sample: true }), RangeError);
});

test('quantile interpolates between order statistics', () => {
  const xs = [4, 1, 3, 2];
  assert.equal(quantile(xs, 0.25), 1.75);
  assert.equal(quantile(xs, 0), 1);
  assert.equal(quantile(xs, 1), 4);
  assert.throws(() => quantile(xs, 1.5), RangeError);
  assert.deepEqual(xs, [4, 1, 3, 2]);
});

test('empty input is an error', () => {
  assert.throws(() => mean([]), RangeError);
  assert.throws(() => median([]), RangeError);
  assert.throws(() => mode([]), RangeError);
});
