import { test } from 'node:test';
import assert from 'node:assert/strict';
import { linearFit, predict, residuals } from '../src/regression.js';

const near = (actual, expected, tolerance = 1e-12) =>
  assert.ok(Math.abs(actual - expected) <= tolerance, `${actual} is not within ${tolerance} of ${expected}`);

test('an exact line', () => {
  const fit = linearFit([0, 1, 2, 3], [1, 3, 5, 7]);
  near(fit.slope, 2);
  near(fit.intercept, 1);
  near(fit.r2, 1);
  near(predict(fit, 10), 21);
});

test('a noisy fit, with missing pairs dropped', () => {
  const fit = linearFit([0, 1, 2, null, 5], [0, 1, 1, 7, null]);
  near(fit.slope, 0.5);
  near(fit.intercept, 1 / 6);
  near(fit.r2, 0.75);
  residuals(fit, [0, 1, 2, null], [0, 1, 1, 3]).forEach((r, i) => (r === null ? assert.equal(i, 3) : near(r, [-1 / 6, 1 / 3, -1 / 6][i])));
});

test('degenerate inputs', () => {
  assert.throws(() => linearFit([1], [1]), RangeError);
  assert.throws(() => linearFit([2, 2, 2], [1, 2, 3]), RangeError);
  assert.throws(() => linearFit([1, 2], [1]), RangeError);
  near(linearFit([1, 2, 3], [4, 4, 4]).r2, 1);
});
