import { test } from 'node:test';
import assert from 'node:assert/strict';
import { grayScale, heatmapCells, matrixExtent } from '../src/heatmap.js';

test('matrixExtent and grayScale', () => {
  assert.deepEqual(matrixExtent([[3, -1], [7, 2]]), [-1, 7]);
  assert.throws(() => matrixExtent([[]]), RangeError);
  assert.equal(grayScale(0, 0, 10), '#ffffff');
  assert.equal(grayScale(10, 0, 10), '#000000');
  assert.equal(grayScale(5, 0, 10), '#808080');
  assert.equal(grayScale(50, 0, 10), '#000000');
  assert.equal(grayScale(4, 4, 4), '#ffffff');
});

test('heatmapCells lays out rows and columns', () => {
  assert.equal(
    heatmapCells([[0, 10]], { cellSize: 15 }),
    '<g class="heatmap"><rect x="0" y="0" width="15" height="15" fill="#ffffff"/><rect x="15" y="0" width="15" height="15" fill="#000000"/></g>',
  );
  const custom = heatmapCells([[1], [2]], { color: (v) => (v > 1 ? 'red' : 'blue') });
  assert.ok(custom.includes('<rect x="0" y="20" width="20" height="20" fill="red"/>'));
  assert.equal(custom.match(/<rect/g).length, 2);
});
