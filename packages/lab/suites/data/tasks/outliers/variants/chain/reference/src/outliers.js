import { percentChange } from './change.js';

export function spikes(values, threshold = 2) {
  return zScoreOutliers(percentChange(values), threshold);
}
