import { labelledBarChart } from './labels.js';

export function chartWithLegend(data, { seriesName = 'value', ...options } = {}) {
  const key = legend([{ label: seriesName, color: options.fill ?? 'steelblue' }], { x: (options.width ?? 400) - 100, y: 10 });
  return `${labelledBarChart(data, options)}${key}`;
}
