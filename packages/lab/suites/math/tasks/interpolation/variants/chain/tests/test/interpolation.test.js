import { polyFit } from '../src/interpolation.js';

test('polyFit recovers exact polynomials', () => {
  polyFit([0, 1, 2, 3], [1, 3, 5, 7], 1).forEach((c, i) => near(c, [1, 2][i], 1e-10));
  polyFit([-1, 0, 1, 2], [2, 1, 2, 5], 2).forEach((c, i) => near(c, [1, 0, 1][i], 1e-10));
});

test('polyFit of degree 0 is the mean; degree too high is an error', () => {
  near(polyFit([1, 2, 3], [2, 4, 9], 0)[0], 5, 1e-12);
  assert.throws(() => polyFit([0, 1], [0, 1], 2), RangeError);
});
