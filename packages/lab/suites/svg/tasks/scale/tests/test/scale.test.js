import { test } from 'node:test';
import assert from 'node:assert/strict';
import { bandScale, linearScale } from '../src/scale.js';

test('linearScale maps and inverts', () => {
  const x = linearScale([0, 10], [0, 200]);
  assert.equal(x(2.5), 50);
  assert.equal(x(-5), -100);
  assert.equal(x.invert(150), 7.5);
  assert.deepEqual([x.domain, x.range], [[0, 10], [0, 200]]);
  const y = linearScale([0, 100], [300, 0]);
  assert.equal(y(25), 225);
  assert.throws(() => linearScale([1, 1], [0, 1]), RangeError);
});

test('clamping', () => {
  const x = linearScale([0, 10], [0, 100], { clamp: true });
  assert.equal(x(20), 100);
  assert.equal(x(-1), 0);
  assert.equal(x.invert(500), 10);
});

test('bandScale', () => {
  const band = bandScale(['a', 'b', 'c', 'd'], [0, 400], { padding: 0.2 });
  assert.equal(band.step, 100);
  assert.equal(band.bandwidth, 80);
  assert.equal(band.map('a'), 10);
  assert.equal(band.map('c'), 210);
  assert.throws(() => band.map('z'), RangeError);
  assert.equal(bandScale(['x'], [50, 60]).map('x'), 50);
});
