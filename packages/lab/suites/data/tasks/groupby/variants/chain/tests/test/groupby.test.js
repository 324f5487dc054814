import { summarizeJoined } from '../src/groupby.js';

test('summarizeJoined aggregates facts by a dimension attribute', () => {
  const products = [
    { product: 'a', category: 'tools' },
    { product: 'b', category: 'toys' },
    { product: 'c', category: 'tools' },
  ];
  assert.deepEqual(summarizeJoined(sales, products, 'product', 'category', { units: ['units', 'sum'], lines: ['*', 'count'] }), [
    { category: 'tools', units: 11, lines: 4 },
    { category: 'toys', units: 0, lines: 1 },
  ]);
});
