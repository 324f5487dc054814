import { naiveForecast, seasonalNaive, trendForecast } from './forecast.js';

export function forecastTable(values, horizon, period) {
  const naive = naiveForecast(values, horizon);
  const seasonal = seasonalNaive(values, period, horizon);
  const trend = trendForecast(values, horizon);
  const rows = naive.map((_, i) => ({ step: i + 1, naive: naive[i], seasonal: seasonal[i], trend: trend[i] }));
  return toMarkdownTable(rows, ['step', 'naive', 'seasonal', 'trend']);
}
