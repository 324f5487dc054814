import { polyRoots } from '../src/roots.js';

test('polyRoots of a cubic with three real roots', () => {
  const roots = polyRoots([-6, 11, -6, 1], 0, 4);
  assert.equal(roots.length, 3);
  [1, 2, 3].forEach((r, i) => near(roots[i], r, 1e-12));
});

test('polyRoots only reports roots inside the interval', () => {
  const roots = polyRoots([-2, 0, 1], 0, 10);
  assert.equal(roots.length, 1);
  near(roots[0], Math.SQRT2, 1e-14);
  assert.deepEqual(polyRoots([1, 0, 1], -5, 5), []);
});
