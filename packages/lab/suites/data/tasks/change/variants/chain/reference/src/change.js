import { movingAverage } from './rolling.js';

export function trend(values, window) {
  return percentChange(movingAverage(values, window));
}
