import { test } from 'node:test';
import assert from 'node:assert/strict';
import { gridLines } from '../src/grid.js';

test('horizontal and vertical grids', () => {
  assert.equal(
    gridLines({ orient: 'horizontal', positions: [10, 20.004], length: 50 }),
    '<g class="grid"><line x1="0" y1="10" x2="50" y2="10" stroke="#dddddd"/><line x1="0" y1="20" x2="50" y2="20" stroke="#dddddd"/></g>',
  );
  assert.equal(
    gridLines({ orient: 'vertical', positions: [5], length: 30, stroke: 'red' }),
    '<g class="grid"><line x1="5" y1="0" x2="5" y2="30" stroke="red"/></g>',
  );
});

test('edge cases', () => {
  assert.equal(gridLines({ orient: 'vertical', positions: [], length: 30 }), '<g class="grid"></g>');
  assert.throws(() => gridLines({ orient: 'diagonal', positions: [1], length: 1 }), RangeError);
});
