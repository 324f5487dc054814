import { test } from 'node:test';
import assert from 'node:assert/strict';
import { sparkBars, sparkline, sparklinePoints } from '../src/sparkline.js';

test('sparklinePoints', () => {
  assert.deepEqual(sparklinePoints([0, 10, 5], 104, 24), [[2, 22], [52, 2], [102, 12]]);
  assert.deepEqual(sparklinePoints([3, 3], 10, 10, 0), [[0, 5], [10, 5]]);
  assert.deepEqual(sparklinePoints([7], 10, 10), [[5, 5]]);
  assert.deepEqual(sparklinePoints([], 10, 10), []);
});

test('sparkline', () => {
  assert.equal(sparkline([1, 3, 2]), '<polyline points="2,18 50,2 98,10" fill="none" stroke="black"/>');
  assert.equal(sparkline([1, 2], { width: 10, height: 10, stroke: 'red' }), '<polyline points="2,8 8,2" fill="none" stroke="red"/>');
});

test('sparkBars', () => {
  assert.equal(
    sparkBars([1, 4], { width: 21, height: 8, gap: 1 }),
    '<g class="spark-bars"><rect x="0" y="6" width="10" height="2" fill="gray"/><rect x="11" y="0" width="10" height="8" fill="gray"/></g>',
  );
  assert.ok(sparkBars([0, 0]).includes('height="0"'));
});
