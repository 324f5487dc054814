import { sampledDerivative } from '../src/differentiation.js';

test('sampledDerivative differentiates the interpolant', () => {
  near(sampledDerivative([0, 1, 2, 3], [0, 1, 4, 9], 1.5), 3, 1e-6);
  near(sampledDerivative([0, 1, 2, 3], [0, 1, 8, 27], 2), 12, 1e-6);
  assert.throws(() => sampledDerivative([1, 1], [0, 1], 1), RangeError);
});
