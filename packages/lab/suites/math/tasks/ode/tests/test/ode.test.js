import { test } from 'node:test';
import assert from 'node:assert/strict';
import { euler, rk4 } from '../src/ode.js';

const near = (actual, expected, tolerance) =>
  assert.ok(Math.abs(actual - expected) <= tolerance, `${actual} is not within ${tolerance} of ${expected}`);
const last = (trajectory) => trajectory[trajectory.length - 1];

test('euler takes explicit steps', () => {
  assert.deepEqual(euler((_, y) => y, 1, 0, 1, 1), [[0, 1], [1, 2]]);
  assert.deepEqual(euler((_, y) => y, 1, 0, 1, 2), [[0, 1], [0.5, 1.5], [1, 2.25]]);
});

test('rk4 is fourth-order accurate', () => {
  near(last(rk4((_, y) => y, 1, 0, 1, 10))[1], Math.E, 1e-5);
  near(last(rk4((t) => 2 * t, 0, 0, 2, 4))[1], 4, 1e-12);
  near(last(rk4((t, y) => -2 * t * y, 1, 0, 2, 100))[1], Math.exp(-4), 1e-7);
});

test('trajectory shape', () => {
  const trajectory = rk4((_, y) => -y, 1, 0, 0.3, 3);
  assert.equal(trajectory.length, 4);
  assert.equal(last(trajectory)[0], 0.3);
  assert.throws(() => euler((_, y) => y, 1, 0, 1, 0), RangeError);
  assert.throws(() => rk4((_, y) => y, 1, 0, 1, 2.5), RangeError);
});
