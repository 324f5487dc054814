import { test } from 'node:test';
import assert from 'node:assert/strict';
import { bisection, findRoots, newton } from '../src/roots.js';

const near = (actual, expected, tolerance) =>
  assert.ok(Math.abs(actual - expected) <= tolerance, `${actual} is not within ${tolerance} of ${expected}`);

test('bisection brackets a root', () => {
  near(bisection((x) => x * x - 2, 0, 2), Math.SQRT2, 1e-10);
  assert.equal(bisection((x) => x - 1, 1, 5), 1);
  assert.throws(() => bisection((x) => x * x + 1, -1, 1), RangeError);
});

test('newton converges fast and fails cleanly', () => {
  near(newton((x) => Math.cos(x) - x, (x) => -Math.sin(x) - 1, 1), 0.7390851332151607, 1e-12);
  assert.throws(() => newton((x) => x * x + 1, (x) => 2 * x, 0), Error);
  assert.throws(() => newton((x) => x * x + 1, (x) => 2 * x, 0.5), /no convergence/);
});

test('findRoots finds every sign change', () => {
  const roots = findRoots(Math.sin, -1, 7);
  assert.equal(roots.length, 3);
  [0, Math.PI, 2 * Math.PI].forEach((r, i) => near(roots[i], r, 1e-9));
  assert.deepEqual(findRoots((x) => x * x + 1, -3, 3), []);
});
