import { iqrOutliers } from './outliers.js';

export function histogramWithoutOutliers(values, options = {}) {
  const outliers = new Set(iqrOutliers(values));
  return histogram(values.filter((_, i) => !outliers.has(i)), options);
}
