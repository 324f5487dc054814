import { leastSquares } from '../src/linear-solve.js';

test('leastSquares recovers an exact line', () => {
  nearAll(leastSquares([[1, 0], [1, 1], [1, 2]], [1, 3, 5]), [1, 2]);
});

test('leastSquares fits noisy points', () => {
  nearAll(leastSquares([[1, 0], [1, 1], [1, 2]], [0, 1, 1]), [1 / 6, 0.5]);
  assert.throws(() => leastSquares([[1, 1], [1, 1], [1, 1]], [1, 2, 3]), /singular/);
});
