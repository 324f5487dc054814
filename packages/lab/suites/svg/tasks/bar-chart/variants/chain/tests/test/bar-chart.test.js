import { barChart, chartGeometry } from '../src/bar-chart.js';

const sales = [{ label: 'north', value: 5 }, { label: 'south', value: 10 }, { label: 'east', value: 7.5 }];

test('chartGeometry scales bars to the nice top of the axis', () => {
  const geometry = chartGeometry(sales);
  assert.equal(geometry.top, 10);
  assert.deepEqual([geometry.innerWidth, geometry.innerHeight], [320, 220]);
  assert.deepEqual(geometry.bars.map((b) => b.height), [110, 220, 165]);
});

test('barChart layers grid, bars and both axes', () => {
  const svg = barChart(sales, { fill: 'teal' });
  assert.ok(svg.startsWith('<g class="bar-chart" transform="translate(40 40)"><g class="grid">'));
  assert.equal(svg.match(/<rect/g).length, 3);
  assert.equal(svg.match(/fill="teal"/g).length, 3);
  assert.ok(svg.includes('<g class="axis axis-left">'));
  assert.ok(svg.includes('<g class="axis axis-bottom" transform="translate(0 220)">'));
  assert.ok(svg.includes('>south</text>'));
  assert.ok(svg.endsWith('</g></g>'));
});
