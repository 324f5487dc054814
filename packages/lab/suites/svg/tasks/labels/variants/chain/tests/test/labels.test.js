import { labelledBarChart } from '../src/labels.js';

test('labelledBarChart puts a value above each bar', () => {
  const svg = labelledBarChart([{ label: 'a', value: 5 }, { label: 'b', value: 10 }], { width: 240, height: 140, margin: 20 });
  assert.ok(svg.endsWith('<g class="labels"><text x="50" y="46" text-anchor="middle" font-size="10">5</text><text x="150" y="-4" text-anchor="middle" font-size="10">10</text></g></g>'));
  assert.equal(svg.match(/<rect/g).length, 2);
});

test('long values are truncated to the bar width', () => {
  const svg = labelledBarChart([{ label: 'a', value: 123456.789 }], { width: 60, height: 100, margin: 10 });
  assert.ok(svg.includes('>1234…</text>'));
});
