import { test } from 'node:test';
import assert from 'node:assert/strict';
import { attrs, escapeXml, fmt } from '../src/format.js';

test('fmt rounds and trims', () => {
  assert.equal(fmt(1 / 3), '0.33');
  assert.equal(fmt(2.5), '2.5');
  assert.equal(fmt(10), '10');
  assert.equal(fmt(-0.001), '0');
  assert.equal(fmt(Math.PI, 4), '3.1416');
  assert.throws(() => fmt(Number.NaN), RangeError);
  assert.throws(() => fmt(Infinity), RangeError);
});

test('escapeXml', () => {
  assert.equal(escapeXml(`Tom & "Jerry" <b>'s`), 'Tom &amp; &quot;Jerry&quot; &lt;b&gt;&apos;s');
});

test('attrs', () => {
  assert.equal(attrs({ x: 1.005, strokeWidth: 2, fill: 'red', hidden: false, title: null, id: undefined }), ' x="1" stroke-width="2" fill="red"');
  assert.equal(attrs({ 'data-label': 'a "b"', fontSize: 12 }), ' data-label="a &quot;b&quot;" font-size="12"');
  assert.equal(attrs({}), '');
});
