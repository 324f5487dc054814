import { test } from 'node:test';
import assert from 'node:assert/strict';
import { pivot } from '../src/pivot.js';

const sales = [
  { month: '2024-01', region: 'south', amount: 5 },
  { month: '2024-01', region: 'north', amount: 3 },
  { month: '2024-02', region: 'north', amount: 4 },
  { month: '2024-01', region: 'north', amount: 2 },
  { month: '2024-02', region: 'east', amount: null },
];

test('pivot sums by default, columns sorted, empty cells null', () => {
  assert.deepEqual(pivot(sales, { index: 'month', columns: 'region', values: 'amount' }), [
    { month: '2024-01', east: null, north: 5, south: 5 },
    { month: '2024-02', east: null, north: 4, south: null },
  ]);
});

test('other aggregates', () => {
  assert.deepEqual(pivot(sales, { index: 'region', columns: 'month', values: 'amount', agg: 'mean' }), [
    { region: 'south', '2024-01': 5, '2024-02': null },
    { region: 'north', '2024-01': 2.5, '2024-02': 4 },
    { region: 'east', '2024-01': null, '2024-02': null },
  ]);
  assert.deepEqual(pivot(sales, { index: 'month', columns: 'region', values: 'amount', agg: 'count' })[0], {
    month: '2024-01',
    east: null,
    north: 2,
    south: 1,
  });
  assert.throws(() => pivot(sales, { index: 'month', columns: 'region', values: 'amount', agg: 'median' }), RangeError);
});
