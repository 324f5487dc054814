import { test } from 'node:test';
import assert from 'node:assert/strict';
import { barLayout, renderBars } from '../src/bar-chart.js';

const data = [{ label: 'a', value: 5 }, { label: 'b', value: 10 }];

test('barLayout', () => {
  assert.deepEqual(barLayout(data, { width: 200, height: 100, padding: 0.5 }), [
    { label: 'a', value: 5, x: 25, y: 50, width: 50, height: 50 },
    { label: 'b', value: 10, x: 125, y: 0, width: 50, height: 100 },
  ]);
  assert.equal(barLayout(data, { width: 200, height: 100, max: 20 })[1].height, 50);
  assert.equal(barLayout([{ label: 'z', value: 0 }], { width: 10, height: 10 })[0].height, 0);
  assert.throws(() => barLayout([{ label: 'n', value: -1 }], { width: 10, height: 10 }), RangeError);
});

test('renderBars', () => {
  const bars = barLayout(data, { width: 300, height: 90, padding: 0 });
  assert.equal(
    renderBars(bars, { fill: 'tomato' }),
    '<g class="bars"><rect x="0" y="45" width="150" height="45" fill="tomato"/><rect x="150" y="0" width="150" height="90" fill="tomato"/></g>',
  );
  assert.ok(renderBars(bars).includes('fill="steelblue"'));
});
