import { test } from 'node:test';
import assert from 'node:assert/strict';
import { correlationMatrix, pearson, rank, spearman } from '../src/correlation.js';

const near = (actual, expected, tolerance = 1e-12) =>
  assert.ok(Math.abs(actual - expected) <= tolerance, `${actual} is not within ${tolerance} of ${expected}`);

test('pearson', () => {
  near(pearson([1, 2, 3, 4], [1, 3, 2, 4]), 0.8);
  near(pearson([1, 2, 3], [6, 4, 2]), -1);
  near(pearson([1, null, 2, 3], [2, 100, 4, 6]), 1);
  assert.equal(pearson([1, 1, 1], [1, 2, 3]), null);
  assert.equal(pearson([1], [2]), null);
  assert.throws(() => pearson([1, 2], [1]), RangeError);
});

test('rank averages ties', () => {
  assert.deepEqual(rank([10, 20, 10, 30]), [1.5, 3, 1.5, 4]);
  assert.deepEqual(rank([3, 1, 2]), [3, 1, 2]);
});

test('spearman sees monotone relations', () => {
  near(spearman([1, 2, 3, 4, 5], [1, 8, 27, 64, 125]), 1);
  near(spearman([1, 2, 3, 4, 5], [5, 6, 7, 8, 7]), 0.8207826816681233);
});

test('correlationMatrix', () => {
  const rows = [{ a: 1, b: 2, c: 5 }, { a: 2, b: 4, c: 3 }, { a: 3, b: 6, c: 4 }];
  const m = correlationMatrix(rows, ['a', 'b', 'c']);
  near(m.a.a, 1);
  near(m.a.b, 1);
  near(m.b.c, -0.5);
  assert.deepEqual(Object.keys(m), ['a', 'b', 'c']);
});
