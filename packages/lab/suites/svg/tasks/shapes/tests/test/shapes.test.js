import { test } from 'node:test';
import assert from 'node:assert/strict';
import { circle, group, line, rect, text } from '../src/shapes.js';

test('rect', () => {
  assert.equal(rect({ x: 0, y: 1.234, width: 10, height: 5, fill: 'red' }), '<rect x="0" y="1.23" width="10" height="5" fill="red"/>');
  assert.equal(rect({ x: 1, y: 2, width: 3, height: 4, rx: 0.5, stroke: '#000' }), '<rect x="1" y="2" width="3" height="4" rx="0.5" stroke="#000"/>');
  assert.throws(() => rect({ x: 0, y: 0, width: -1, height: 1 }), RangeError);
});

test('circle and line', () => {
  assert.equal(circle({ cx: 5, cy: 5, r: 2.499, fill: 'blue' }), '<circle cx="5" cy="5" r="2.5" fill="blue"/>');
  assert.equal(line({ x1: 0, y1: 0, x2: 10, y2: -0.001 }), '<line x1="0" y1="0" x2="10" y2="0" stroke="black"/>');
});

test('text escapes its content', () => {
  assert.equal(text({ x: 1, y: 2, content: 'a < b & "c"', size: 12, anchor: 'middle' }), '<text x="1" y="2" font-size="12" text-anchor="middle">a &lt; b &amp; &quot;c&quot;</text>');
});

test('group', () => {
  assert.equal(group(['<a/>', '<b/>'], { className: 'layer', transform: 'translate(1 2)' }), '<g class="layer" transform="translate(1 2)"><a/><b/></g>');
  assert.equal(group([]), '<g></g>');
});
