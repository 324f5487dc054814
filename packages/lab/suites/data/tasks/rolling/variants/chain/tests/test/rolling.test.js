import { smoothPivot } from '../src/rolling.js';

test('smoothPivot smooths each region over the months', () => {
  const rows = [
    { month: 'm1', region: 'n', sales: 10 },
    { month: 'm1', region: 's', sales: 1 },
    { month: 'm2', region: 'n', sales: 20 },
    { month: 'm2', region: 's', sales: 3 },
    { month: 'm3', region: 'n', sales: 60 },
    { month: 'm3', region: 'n', sales: 0 },
  ];
  assert.deepEqual(smoothPivot(rows, { index: 'month', columns: 'region', values: 'sales' }, 2), [
    { month: 'm1', n: null, s: null },
    { month: 'm2', n: 15, s: 2 },
    { month: 'm3', n: 40, s: null },
  ]);
});
