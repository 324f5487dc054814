import { transformedBounds } from '../src/geometry.js';

test('transformedBounds of a rotated rectangle', () => {
  const rectangle = [[0, 0], [10, 0], [10, 5], [0, 5]];
  const rotated = transformedBounds(rectangle, [0, 1, -1, 0, 0, 0]);
  assert.deepEqual(rotated, { x: -5, y: 0, width: 5, height: 10 });
  assert.deepEqual(transformedBounds(rectangle, [2, 0, 0, 2, 1, 1]), { x: 1, y: 1, width: 20, height: 10 });
});
