import { test } from 'node:test';
import assert from 'node:assert/strict';
import { compound, doublingTime, exponential, logistic } from '../src/growth.js';

const near = (actual, expected, tolerance) =>
  assert.ok(Math.abs(actual - expected) <= tolerance, `${actual} is not within ${tolerance} of ${expected}`);

test('exponential growth and doubling time', () => {
  near(exponential(100, 0.1, 10), 100 * Math.E, 1e-9);
  near(doublingTime(Math.LN2), 1, 1e-15);
  near(exponential(5, 0.3, doublingTime(0.3)), 10, 1e-12);
  assert.throws(() => doublingTime(0), RangeError);
});

test('logistic starts at p0 and saturates at capacity', () => {
  near(logistic(10, 0.5, 100, 0), 10, 1e-12);
  near(logistic(10, 0.5, 100, 10), 100 / (1 + 9 * Math.exp(-5)), 1e-12);
  near(logistic(10, 0.5, 100, 100), 100, 1e-9);
  near(logistic(150, 0.5, 100, 50), 100, 1e-6);
  assert.throws(() => logistic(0, 1, 100, 1), RangeError);
});

test('compound interest', () => {
  near(compound(1000, 0.05, 10, 12), 1647.0094976902801, 1e-8);
  near(compound(100, 0.1, 2), 121, 1e-9);
});
