import { container, shape } from '../src/shapes.js';

test('shape serialises any attributes', () => {
  assert.equal(shape('ellipse', { cx: 1, cy: 2, rx: 3.14159, ry: 1, strokeWidth: 2, fill: null }), '<ellipse cx="1" cy="2" rx="3.14" ry="1" stroke-width="2"/>');
  assert.equal(shape('text', { x: 0 }, 'a<b'), '<text x="0">a&lt;b</text>');
  assert.equal(shape('title', {}, 42), '<title>42</title>');
});

test('container wraps children', () => {
  assert.equal(container('g', { class: 'x', opacity: 0.5 }, ['<a/>', '<b/>']), '<g class="x" opacity="0.5"><a/><b/></g>');
});
