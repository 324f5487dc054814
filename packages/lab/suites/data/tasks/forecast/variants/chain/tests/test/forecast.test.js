import { trendForecast } from '../src/forecast.js';

test('trendForecast extends the fitted line', () => {
  assert.deepEqual(trendForecast([1, 3, 5, 7], 3), [9, 11, 13]);
  assert.deepEqual(trendForecast([4], 2), [4, 4]);
  const noisy = trendForecast([0, 1, 1], 1);
  assert.ok(Math.abs(noisy[0] - (1 / 6 + 1.5)) < 1e-12);
});
