import { test } from 'node:test';
import assert from 'node:assert/strict';
import { adaptiveSimpson, simpson, trapezoid } from '../src/integration.js';

const near = (actual, expected, tolerance) =>
  assert.ok(Math.abs(actual - expected) <= tolerance, `${actual} is not within ${tolerance} of ${expected}`);

test('trapezoid', () => {
  near(trapezoid((x) => x, 0, 1, 1), 0.5, 1e-15);
  near(trapezoid((x) => x * x, 0, 3), 9, 1e-4);
});

test('simpson is exact for cubics and accurate for smooth functions', () => {
  near(simpson((x) => x ** 3, 0, 2, 2), 4, 1e-12);
  near(simpson(Math.sin, 0, Math.PI), 2, 1e-9);
  near(simpson(Math.exp, 1, 0), -(Math.E - 1), 1e-9);
  assert.equal(simpson(Math.exp, 2, 2), 0);
});

test('simpson needs an even number of intervals', () => {
  assert.throws(() => simpson(Math.sin, 0, 1, 3), RangeError);
  assert.throws(() => simpson(Math.sin, 0, 1, 0), RangeError);
});

test('adaptiveSimpson', () => {
  near(adaptiveSimpson((x) => Math.exp(-x * x), 0, 3), 0.886207348259521, 1e-9);
  near(adaptiveSimpson(Math.sqrt, 0, 1), 2 / 3, 1e-8);
  near(adaptiveSimpson((x) => 1 / x, 1, Math.E), 1, 1e-9);
});
