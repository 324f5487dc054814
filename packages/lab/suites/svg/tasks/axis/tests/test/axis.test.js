import { test } from 'node:test';
import assert from 'node:assert/strict';
import { renderAxis } from '../src/axis.js';

test('bottom axis', () => {
  assert.equal(
    renderAxis({ orient: 'bottom', ticks: [{ position: 0, label: '0' }, { position: 50.556, label: 'a&b' }], length: 100 }),
    '<g class="axis axis-bottom"><line x1="0" y1="0" x2="100" y2="0" stroke="black"/>' +
      '<line x1="0" y1="0" x2="0" y2="6" stroke="black"/><text x="0" y="18" text-anchor="middle" font-size="10">0</text>' +
      '<line x1="50.56" y1="0" x2="50.56" y2="6" stroke="black"/><text x="50.56" y="18" text-anchor="middle" font-size="10">a&amp;b</text></g>',
  );
});

test('left axis with a translation and custom tick size', () => {
  assert.equal(
    renderAxis({ orient: 'left', ticks: [{ position: 20, label: '10' }], length: 40, tickSize: 4, translate: [30, 5] }),
    '<g class="axis axis-left" transform="translate(30 5)"><line x1="0" y1="0" x2="0" y2="40" stroke="black"/>' +
      '<line x1="0" y1="20" x2="-4" y2="20" stroke="black"/><text x="-7" y="23" text-anchor="end" font-size="10">10</text></g>',
  );
});

test('orientation is checked', () => {
  assert.throws(() => renderAxis({ orient: 'top', ticks: [], length: 10 }), RangeError);
  assert.equal((renderAxis({ orient: 'left', ticks: [], length: 10 }).match(/<line/g) ?? []).length, 1);
});
