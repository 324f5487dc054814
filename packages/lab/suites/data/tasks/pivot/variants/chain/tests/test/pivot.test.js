import { pivotWithTotals } from '../src/pivot.js';

test('pivotWithTotals adds a Total column and row', () => {
  assert.deepEqual(pivotWithTotals(sales, { index: 'month', columns: 'region', values: 'amount' }), [
    { month: '2024-01', east: null, north: 5, south: 5, Total: 10 },
    { month: '2024-02', east: null, north: 4, south: null, Total: 4 },
    { month: 'Total', east: null, north: 9, south: 5, Total: 14 },
  ]);
});

test('mean margins are means of the raw values', () => {
  const table = pivotWithTotals(sales, { index: 'month', columns: 'region', values: 'amount', agg: 'mean' });
  assert.deepEqual(table[2], { month: 'Total', east: null, north: 3, south: 5, Total: 3.5 });
  assert.equal(table[0].Total, 10 / 3);
});
