import { barChart, chartGeometry } from './bar-chart.js';

export function labelledBarChart(data, options = {}) {
  const num = (n) => String(Number(n.toFixed(2)));
  const { bars } = chartGeometry(data, options);
  const texts = bars.map(
    (b) => `<text x="${num(b.x + b.width / 2)}" y="${num(b.y - 4)}" text-anchor="middle" font-size="10">${truncateText(String(b.value), b.width)}</text>`,
  );
  const chart = barChart(data, options);
  return `${chart.slice(0, -'</g>'.length)}<g class="labels">${texts.join('')}</g></g>`;
}
