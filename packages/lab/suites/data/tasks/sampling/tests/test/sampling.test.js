import { test } from 'node:test';
import assert from 'node:assert/strict';
import { bootstrapMean, createRng, randomInt, sample, shuffle } from '../src/sampling.js';

test('mulberry32 is exact and reproducible', () => {
  const rng = createRng(1);
  assert.deepEqual([rng(), rng(), rng()], [0.6270739405881613, 0.002735721180215478, 0.5274470399599522]);
  const a = createRng(42);
  const b = createRng(42);
  for (let i = 0; i < 100; i++) {
    const x = a();
    assert.equal(x, b());
    assert.ok(x >= 0 && x < 1);
  }
});

test('randomInt covers both ends', () => {
  const rng = createRng(7);
  const seen = new Set(Array.from({ length: 500 }, () => randomInt(rng, 1, 6)));
  assert.deepEqual([...seen].sort(), [1, 2, 3, 4, 5, 6]);
});

test('shuffle and sample', () => {
  const items = [1, 2, 3, 4, 5, 6, 7, 8];
  const shuffled = shuffle(items, createRng(3));
  assert.deepEqual([...shuffled].sort((x, y) => x - y), items);
  assert.deepEqual(shuffle(items, createRng(3)), shuffled);
  assert.deepEqual(items, [1, 2, 3, 4, 5, 6, 7, 8]);
  const picked = sample(items, 3, createRng(9));
  assert.equal(new Set(picked).size, 3);
  assert.throws(() => sample(items, 9, createRng(1)), RangeError);
});

test('bootstrapMean gives a reproducible interval around the mean', () => {
  const values = [12, 15, 9, 11, 14, 10, 13, 16, 8, 12];
  const result = bootstrapMean(values);
  assert.equal(result.mean, 12);
  assert.ok(result.low < 12 && result.high > 12 && result.high - result.low < 5);
  assert.deepEqual(bootstrapMean(values), result);
  assert.notDeepEqual(bootstrapMean(values, { seed: 2 }), result);
  assert.throws(() => bootstrapMean([]), RangeError);
});
