import { pathElement } from '../src/path.js';

test('pathElement wraps path data', () => {
  const d = createPath().moveTo(0, 0).lineTo(10, 0).toString();
  assert.equal(pathElement(d, { stroke: 'red', strokeWidth: 1.5, fill: 'none' }), '<path d="M0 0 L10 0" stroke="red" stroke-width="1.5" fill="none"/>');
  assert.equal(pathElement(polygonPath([[0, 0], [1, 1]])), '<path d="M0 0 L1 1 Z"/>');
});
