import { fitSummary } from '../src/regression.js';

test('fitSummary adds r and n; r2 is r squared', () => {
  const summary = fitSummary([0, 1, 2, null], [0, 1, 1, 9]);
  near(summary.slope, 0.5);
  near(summary.r, Math.sqrt(0.75));
  near(summary.r2, summary.r * summary.r);
  assert.equal(summary.n, 3);
  near(fitSummary([1, 2, 3], [3, 2, 1]).r, -1);
});
