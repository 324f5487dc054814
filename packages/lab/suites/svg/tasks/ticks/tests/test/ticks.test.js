import { test } from 'node:test';
import assert from 'node:assert/strict';
import { formatTick, niceDomain, niceTicks, tickStep } from '../src/ticks.js';

test('tickStep picks 1, 2, 5 or 10 times a power of ten', () => {
  assert.equal(tickStep(0, 10), 2);
  assert.equal(tickStep(0, 100), 20);
  assert.equal(tickStep(0, 9.5), 2);
  assert.equal(tickStep(-3.7, 48), 10);
  assert.equal(tickStep(0, 1, 10), 0.1);
  assert.throws(() => tickStep(1, 1), RangeError);
});

test('niceTicks are clean multiples', () => {
  assert.deepEqual(niceTicks(0, 10), [0, 2, 4, 6, 8, 10]);
  assert.deepEqual(niceTicks(0, 1), [0, 0.2, 0.4, 0.6, 0.8, 1]);
  assert.deepEqual(niceTicks(0, 0.3, 3), [0, 0.1, 0.2, 0.3]);
  assert.deepEqual(niceTicks(-3.7, 48), [0, 10, 20, 30, 40]);
  assert.deepEqual(niceTicks(4, 4), [4]);
});

test('niceDomain and formatTick', () => {
  assert.deepEqual(niceDomain(-3.7, 48), [-10, 50]);
  assert.deepEqual(niceDomain(0, 9.5), [0, 10]);
  assert.deepEqual(niceDomain(0.13, 0.87), [0, 1]);
  assert.equal(formatTick(0.2, 0.2), '0.2');
  assert.equal(formatTick(20, 10), '20');
  assert.equal(formatTick(0.05, 0.05), '0.05');
});
