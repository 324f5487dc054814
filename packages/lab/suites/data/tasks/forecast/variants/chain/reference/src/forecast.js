import { linearFit, predict } from './regression.js';

export function trendForecast(values, horizon) {
  assertSeries(values);
  if (values.length === 1) return naiveForecast(values, horizon);
  const fit = linearFit(values.map((_, i) => i), values);
  return Array.from({ length: horizon }, (_, h) => predict(fit, values.length + h));
}
