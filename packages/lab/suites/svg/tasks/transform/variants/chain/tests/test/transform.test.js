import { transformPolygon } from '../src/transform.js';

test('transformPolygon maps then draws', () => {
  assert.equal(transformPolygon([[0, 0], [10, 0], [10, 10]], translate(5, 5)), 'M5 5 L15 5 L15 15 Z');
  assert.equal(transformPolygon([[1, 0], [0, 1]], rotate(90)), 'M0 1 L-1 0 Z');
});
