import { test } from 'node:test';
import assert from 'node:assert/strict';
import { aggregate, groupBy } from '../src/groupby.js';

const sales = [
  { region: 'north', product: 'a', units: 3, price: 10 },
  { region: 'south', product: 'a', units: 5, price: 10 },
  { region: 'north', product: 'b', units: null, price: 4 },
  { region: 'north', product: 'a', units: 2, price: 12 },
  { region: 'south', product: 'c', units: 1, price: 7 },
];

test('groupBy keeps first-appearance order', () => {
  const groups = groupBy(sales, 'region');
  assert.deepEqual([...groups.keys()], ['north', 'south']);
  assert.equal(groups.get('north').length, 3);
});

test('aggregate with every op', () => {
  assert.deepEqual(
    aggregate(sales, 'region', {
      rows: ['*', 'count'],
      n: ['units', 'count'],
      units: ['units', 'sum'],
      avgPrice: ['price', 'mean'],
      low: ['price', 'min'],
      high: ['price', 'max'],
      firstProduct: ['product', 'first'],
      products: ['product', 'distinct'],
    }),
    [
      { region: 'north', rows: 3, n: 2, units: 5, avgPrice: 26 / 3, low: 4, high: 12, firstProduct: 'a', products: 2 },
      { region: 'south', rows: 2, n: 2, units: 6, avgPrice: 8.5, low: 7, high: 10, firstProduct: 'a', products: 2 },
    ],
  );
});

test('several keys, no keys, empty groups of values', () => {
  assert.deepEqual(aggregate(sales, ['region', 'product'], { units: ['units', 'sum'] }).length, 4);
  assert.deepEqual(aggregate(sales, [], { total: ['units', 'sum'] }), [{ total: 11 }]);
  assert.deepEqual(aggregate([{ g: 1, v: null }], 'g', { m: ['v', 'mean'], s: ['v', 'sum'] }), [{ g: 1, m: null, s: 0 }]);
  assert.deepEqual(aggregate([], [], { total: ['v', 'sum'] }), []);
  assert.throws(() => aggregate(sales, 'region', { x: ['units', 'median'] }), RangeError);
});
