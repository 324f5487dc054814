import { test } from 'node:test';
import assert from 'node:assert/strict';
import { arcPath, createPath, polygonPath } from '../src/path.js';

test('the builder chains commands', () => {
  assert.equal(createPath().moveTo(0, 0).lineTo(10, 5.556).close().toString(), 'M0 0 L10 5.56 Z');
  assert.equal(
    createPath().moveTo(1, 2).horizontalTo(5).verticalTo(-3).quadTo(1, 1, 2, 2).cubicTo(1, 2, 3, 4, 5, 6).arcTo(5, 5, 0, false, true, 10, 10).toString(),
    'M1 2 H5 V-3 Q1 1 2 2 C1 2 3 4 5 6 A5 5 0 0 1 10 10',
  );
  assert.equal(createPath().toString(), '');
});

test('polygonPath', () => {
  assert.equal(polygonPath([[0, 0], [10, 0], [10, 10]]), 'M0 0 L10 0 L10 10 Z');
  assert.equal(polygonPath([[0, 0], [1, 1]], false), 'M0 0 L1 1');
  assert.equal(polygonPath([]), '');
});

test('arcPath picks the large-arc flag', () => {
  assert.equal(arcPath(0, 0, 10, 0, Math.PI / 2), 'M10 0 A10 10 0 0 1 0 10');
  assert.equal(arcPath(50, 50, 20, 0, 1.5 * Math.PI), 'M70 50 A20 20 0 1 1 50 30');
});
