import { test } from 'node:test';
import assert from 'node:assert/strict';
import { pieAngles, pieChart, slicePath } from '../src/pie.js';

test('pieAngles split the circle proportionally', () => {
  const slices = pieAngles([1, 1, 2]);
  assert.deepEqual(slices.map((s) => [s.startAngle, s.endAngle]), [[0, Math.PI / 2], [Math.PI / 2, Math.PI], [Math.PI, 2 * Math.PI]]);
  assert.deepEqual(pieAngles([0, 0]).map((s) => s.endAngle), [0, 0]);
  assert.throws(() => pieAngles([1, -1]), RangeError);
});

test('slicePath', () => {
  assert.equal(slicePath(50, 50, 40, 0, Math.PI / 2), 'M50 50 L50 10 A40 40 0 0 1 90 50 Z');
  assert.equal(slicePath(0, 0, 10, 0, 1.5 * Math.PI), 'M0 0 L0 -10 A10 10 0 1 1 -10 0 Z');
  assert.equal(slicePath(50, 50, 40, 0, 2 * Math.PI), 'M50 10 A40 40 0 1 1 50 90 A40 40 0 1 1 50 10 Z');
});

test('pieChart skips empty slices', () => {
  const svg = pieChart([{ value: 1, color: 'red' }, { value: 0, color: 'green' }, { value: 3, color: 'blue' }]);
  assert.ok(svg.startsWith('<g class="pie"><path d="M50 50 L50 10 A40 40 0 0 1 90 50 Z" fill="red"/>'));
  assert.equal(svg.match(/<path/g).length, 2);
  assert.equal(pieChart([{ value: 5, color: 'teal' }]), '<g class="pie"><path d="M50 10 A40 40 0 1 1 50 90 A40 40 0 1 1 50 10 Z" fill="teal"/></g>');
});
