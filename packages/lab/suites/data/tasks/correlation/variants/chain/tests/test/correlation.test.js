import { winsorize, winsorizedPearson } from '../src/correlation.js';

test('winsorize clips to the quantiles', () => {
  const clipped = winsorize([1, 2, 3, 4, 5, 6, 7, 8, 9, 100], 0.1);
  [1.9, 2, 3, 4, 5, 6, 7, 8, 9, 18.1].forEach((v, i) => near(clipped[i], v, 1e-9));
  assert.deepEqual(winsorize([5, null, 1, 9], 0), [5, null, 1, 9]);
});

test('winsorizedPearson resists an extreme pair', () => {
  const xs = Array.from({ length: 20 }, (_, i) => i + 1);
  const ys = [...xs.slice(0, 19), -1000];
  assert.ok(pearson(xs, ys) < 0);
  assert.ok(winsorizedPearson(xs, ys, 0.1) > 0.5);
});
