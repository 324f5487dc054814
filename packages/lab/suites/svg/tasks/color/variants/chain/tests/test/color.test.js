import { themedChartDocument } from '../src/color.js';

test('themedChartDocument uses the accent and background', () => {
  const doc = themedChartDocument([{ label: 'a', value: 2 }, { label: 'b', value: 3 }], { accent: '#8b0000', background: '#fafafa' });
  assert.ok(doc.startsWith('<svg xmlns="http://www.w3.org/2000/svg"'));
  assert.ok(doc.includes('<rect width="100%" height="100%" fill="#fafafa"/>'));
  assert.equal(doc.match(/fill="#8b0000"/g).length, 3);
});

test('low-contrast accents are refused', () => {
  assert.throws(() => themedChartDocument([{ label: 'a', value: 1 }], { accent: '#eeeeee' }), RangeError);
});
