import { histogramWithoutOutliers } from '../src/histogram.js';

test('histogramWithoutOutliers bins the bulk of the data', () => {
  assert.deepEqual(histogramWithoutOutliers([1, 2, 3, 4, 5, 6, 7, 8, 1000], { bins: 2 }), [
    { x0: 1, x1: 4.5, count: 4 },
    { x0: 4.5, x1: 8, count: 4 },
  ]);
});
