import { test } from 'node:test';
import assert from 'node:assert/strict';
import { bounds, centroid, distance, pointInPolygon, polygonArea } from '../src/geometry.js';

const square = [[0, 0], [10, 0], [10, 10], [0, 10]];

test('bounds and centroid', () => {
  assert.deepEqual(bounds([[3, -1], [-2, 4], [0, 0]]), { x: -2, y: -1, width: 5, height: 5 });
  assert.deepEqual(centroid(square), [5, 5]);
  assert.throws(() => bounds([]), RangeError);
  assert.throws(() => centroid([]), RangeError);
});

test('signed area', () => {
  assert.equal(polygonArea(square), 100);
  assert.equal(polygonArea([...square].reverse()), -100);
  assert.equal(polygonArea([[0, 0], [4, 0], [0, 3]]), 6);
});

test('distance and point in polygon', () => {
  assert.equal(distance([0, 0], [3, 4]), 5);
  assert.equal(pointInPolygon([5, 5], square), true);
  assert.equal(pointInPolygon([15, 5], square), false);
  const ell = [[0, 0], [10, 0], [10, 2], [2, 2], [2, 10], [0, 10]];
  assert.equal(pointInPolygon([1, 8], ell), true);
  assert.equal(pointInPolygon([6, 6], ell), false);
});
