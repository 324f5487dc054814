import { chartWithLegend } from '../src/legend.js';

test('chartWithLegend appends a legend for the series', () => {
  const svg = chartWithLegend([{ label: 'a', value: 1 }], { seriesName: 'sales', fill: 'teal', width: 500 });
  assert.ok(svg.startsWith('<g class="bar-chart"'));
  assert.ok(svg.endsWith('<g class="legend" transform="translate(400 10)"><rect x="0" y="0" width="12" height="12" fill="teal"/><text x="18" y="10" font-size="10">sales</text></g>'));
  assert.ok(svg.includes('<g class="labels">'));
  assert.ok(chartWithLegend([{ label: 'a', value: 1 }]).includes('fill="steelblue"/><text x="18" y="10" font-size="10">value</text>'));
});
