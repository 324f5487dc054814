import { scaleToFit } from '../src/scale.js';

test('scaleToFit maps the data box into the viewport', () => {
  const { x, y } = scaleToFit([[0, 0], [10, 20], [5, 5]], 100, 200, 10);
  assert.deepEqual([x(0), x(10), x(5)], [10, 90, 50]);
  assert.deepEqual([y(0), y(20)], [190, 10]);
  assert.equal(y.invert(100), 10);
  assert.throws(() => scaleToFit([[1, 1], [1, 2]], 100, 100), RangeError);
});
