import { test } from 'node:test';
import assert from 'node:assert/strict';
import { legend, legendSize } from '../src/legend.js';

test('legend entries stack vertically', () => {
  assert.equal(
    legend([{ label: 'north', color: '#4e79a7' }, { label: 'R&D', color: 'red' }], { x: 300, y: 10 }),
    '<g class="legend" transform="translate(300 10)">' +
      '<rect x="0" y="0" width="12" height="12" fill="#4e79a7"/><text x="18" y="10" font-size="10">north</text>' +
      '<rect x="0" y="18" width="12" height="12" fill="red"/><text x="18" y="28" font-size="10">R&amp;D</text></g>',
  );
  assert.equal(legend([]), '<g class="legend" transform="translate(0 0)"></g>');
});

test('legendSize', () => {
  assert.deepEqual(legendSize([{ label: 'north' }, { label: 'R&D' }]), { width: 48, height: 30 });
  assert.deepEqual(legendSize([]), { width: 0, height: 0 });
});
