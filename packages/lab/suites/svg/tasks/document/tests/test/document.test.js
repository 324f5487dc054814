import { test } from 'node:test';
import assert from 'node:assert/strict';
import { countElements, svgDocument } from '../src/document.js';

test('svgDocument wraps a body', () => {
  assert.equal(
    svgDocument(100, 50, '<circle r="5"/>'),
    '<svg xmlns="http://www.w3.org/2000/svg" width="100" height="50" viewBox="0 0 100 50"><circle r="5"/></svg>',
  );
  assert.equal(
    svgDocument(10, 10, '', { title: 'A & B', background: '#fff', viewBox: '-5 -5 20 20' }),
    '<svg xmlns="http://www.w3.org/2000/svg" width="10" height="10" viewBox="-5 -5 20 20"><title>A &amp; B</title><rect width="100%" height="100%" fill="#fff"/></svg>',
  );
  assert.throws(() => svgDocument(0, 10, ''), RangeError);
});

test('countElements', () => {
  const svg = '<svg><g><rect/><rect x="1"/></g><glyph/><g>\n</g></svg>';
  assert.equal(countElements(svg, 'rect'), 2);
  assert.equal(countElements(svg, 'g'), 2);
  assert.equal(countElements(svg, 'circle'), 0);
});
