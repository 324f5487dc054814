import { pivot } from './pivot.js';

export function smoothPivot(rows, options, window) {
  const table = pivot(rows, options);
  const columns = Object.keys(table[0] ?? {}).filter((c) => c !== options.index);
  const smoothed = Object.fromEntries(columns.map((c) => [c, movingAverage(table.map((r) => r[c]), window)]));
  return table.map((row, i) => ({ ...row, ...Object.fromEntries(columns.map((c) => [c, smoothed[c][i]])) }));
}
