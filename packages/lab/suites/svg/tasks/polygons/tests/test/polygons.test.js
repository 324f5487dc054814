import { test } from 'node:test';
import assert from 'node:assert/strict';
import { pointsAttribute, polygonElement, regularPolygon, star } from '../src/polygons.js';

test('regular polygons start at the top and go clockwise', () => {
  assert.equal(pointsAttribute(regularPolygon(0, 0, 10, 4)), '0,-10 10,0 0,10 -10,0');
  assert.equal(pointsAttribute(regularPolygon(50, 50, 10, 4, Math.PI / 4)), '57.07,42.93 57.07,57.07 42.93,57.07 42.93,42.93');
  assert.throws(() => regularPolygon(0, 0, 1, 2), RangeError);
});

test('stars alternate radii', () => {
  const points = star(0, 0, 10, 4, 5);
  assert.equal(points.length, 10);
  assert.deepEqual(points[0].map((v) => Number(v.toFixed(6))), [0, -10]);
  assert.ok(Math.abs(Math.hypot(...points[1]) - 4) < 1e-12);
  assert.ok(Math.abs(Math.hypot(...points[6]) - 10) < 1e-12);
});

test('polygonElement', () => {
  assert.equal(polygonElement([[0, 0], [1.234, 2], [3, 0]], { fill: 'gold' }), '<polygon points="0,0 1.23,2 3,0" fill="gold"/>');
  assert.equal(polygonElement([[0, 0]], { stroke: 'red' }), '<polygon points="0,0" stroke="red"/>');
});
