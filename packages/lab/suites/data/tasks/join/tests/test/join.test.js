import { test } from 'node:test';
import assert from 'node:assert/strict';
import { innerJoin, leftJoin } from '../src/join.js';

const orders = [
  { id: 1, customer: 'c1', amount: 30 },
  { id: 2, customer: 'c2', amount: 10 },
  { id: 3, customer: 'c9', amount: 5 },
  { id: 4, customer: 'c1', amount: 20 },
];
const customers = [
  { customer: 'c1', name: 'Ada', amount: 'gold' },
  { customer: 'c2', name: 'Bob' },
  { customer: 'c2', name: 'Bob (dup)' },
];

test('innerJoin keeps left order, renames clashing columns', () => {
  assert.deepEqual(innerJoin(orders, customers, 'customer'), [
    { id: 1, customer: 'c1', amount: 30, name: 'Ada', amount_right: 'gold' },
    { id: 2, customer: 'c2', amount: 10, name: 'Bob' },
    { id: 2, customer: 'c2', amount: 10, name: 'Bob (dup)' },
    { id: 4, customer: 'c1', amount: 20, name: 'Ada', amount_right: 'gold' },
  ]);
});

test('leftJoin keeps unmatched rows with nulls', () => {
  const joined = leftJoin(orders, customers, 'customer');
  assert.equal(joined.length, 5);
  assert.deepEqual(joined[3], { id: 3, customer: 'c9', amount: 5, name: null, amount_right: null });
});

test('keys match strictly and null keys never match', () => {
  assert.deepEqual(innerJoin([{ k: 1 }, { k: null }], [{ k: '1', v: 'x' }, { k: null, v: 'y' }], 'k'), []);
  assert.deepEqual(leftJoin([{ k: null }], [{ k: null, v: 'y' }], 'k'), [{ k: null, v: null }]);
});
