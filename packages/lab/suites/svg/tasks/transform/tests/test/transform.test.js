import { test } from 'node:test';
import assert from 'node:assert/strict';
import { applyToPoint, compose, identity, multiply, rotate, scale, toSvgTransform, translate } from '../src/transform.js';

const nearPoint = ([x, y], [ex, ey]) => assert.ok(Math.abs(x - ex) < 1e-9 && Math.abs(y - ey) < 1e-9, `[${x}, ${y}] vs [${ex}, ${ey}]`);

test('basic transforms', () => {
  assert.deepEqual(applyToPoint(translate(5, -2), [1, 1]), [6, -1]);
  assert.deepEqual(applyToPoint(scale(2, 3), [1, 1]), [2, 3]);
  assert.deepEqual(applyToPoint(scale(2), [1, 1]), [2, 2]);
  nearPoint(applyToPoint(rotate(90), [1, 0]), [0, 1]);
  nearPoint(applyToPoint(rotate(180, 5, 5), [10, 5]), [0, 5]);
});

test('composition applies the rightmost first', () => {
  nearPoint(applyToPoint(compose(translate(10, 0), scale(2)), [1, 1]), [12, 2]);
  nearPoint(applyToPoint(compose(scale(2), translate(10, 0)), [1, 1]), [22, 2]);
  assert.deepEqual(compose(), identity());
  assert.deepEqual(multiply(identity(), translate(3, 4)), translate(3, 4));
});

test('toSvgTransform', () => {
  assert.equal(toSvgTransform(translate(10, 20.006)), 'matrix(1 0 0 1 10 20.01)');
  assert.equal(toSvgTransform(rotate(90)), 'matrix(0 1 -1 0 0 0)');
});
