import { axisFor, renderAxis } from './axis.js';
import { gridFor } from './grid.js';

export function chartGeometry(data, { width = 400, height = 300, margin = 40 } = {}) {
  const innerWidth = width - 2 * margin;
  const innerHeight = height - 2 * margin;
  const maxValue = Math.max(0, ...data.map((d) => d.value));
  const yAxis = axisFor([0, maxValue || 1], [innerHeight, 0], 'left');
  const top = yAxis.domain[1];
  const bars = barLayout(data, { width: innerWidth, height: innerHeight, max: top });
  return { innerWidth, innerHeight, margin, yAxis, top, bars };
}

export function barChart(data, options = {}) {
  const { innerWidth, innerHeight, margin, yAxis, top, bars } = chartGeometry(data, options);
  const grid = gridFor([0, top], [innerHeight, 0], 'horizontal', innerWidth);
  const xAxis = renderAxis({
    orient: 'bottom',
    ticks: bars.map((b) => ({ position: b.x + b.width / 2, label: b.label })),
    length: innerWidth,
    translate: [0, innerHeight],
  });
  return `<g class="bar-chart" transform="translate(${margin} ${margin})">${grid}${renderBars(bars, { fill: options.fill })}${yAxis.svg}${xAxis}</g>`;
}
