import { test } from 'node:test';
import assert from 'node:assert/strict';
import { derivative, forwardDerivative, gradient, secondDerivative } from '../src/differentiation.js';

const near = (actual, expected, tolerance) =>
  assert.ok(Math.abs(actual - expected) <= tolerance, `${actual} is not within ${tolerance} of ${expected}`);

test('central and forward differences', () => {
  near(derivative(Math.sin, 0), 1, 1e-9);
  near(derivative((x) => x ** 3, 2), 12, 1e-7);
  near(forwardDerivative(Math.exp, 1), Math.E, 1e-6);
});

test('second derivative', () => {
  near(secondDerivative((x) => x ** 3, 2), 12, 1e-5);
  near(secondDerivative(Math.cos, 0), -1, 1e-6);
});

test('gradient leaves the point unchanged', () => {
  const point = [1, 2];
  const g = gradient(([x, y]) => x * x + 3 * y + x * y, point);
  near(g[0], 4, 1e-8);
  near(g[1], 4, 1e-8);
  assert.deepEqual(point, [1, 2]);
});
