import { chartDocument } from '../src/document.js';

test('chartDocument is a complete SVG file', () => {
  const doc = chartDocument([{ label: 'q1', value: 3 }, { label: 'q2', value: 4 }, { label: 'q3', value: 2 }], { title: 'Sales', width: 600 });
  assert.ok(doc.startsWith('<svg xmlns="http://www.w3.org/2000/svg" width="600" height="300" viewBox="0 0 600 300"><title>Sales</title><rect width="100%" height="100%" fill="white"/>'));
  assert.ok(doc.endsWith('</g></svg>'));
  assert.equal(countElements(doc, 'rect'), 5);
  assert.equal(countElements(doc, 'title'), 1);
  assert.equal(countElements(chartDocument([{ label: 'a', value: 1 }]), 'title'), 0);
});
