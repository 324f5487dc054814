import { divisorHarmonicMean, oreNumbersUpTo } from '../src/rational.js';

test('divisorHarmonicMean is exact', () => {
  assert.deepEqual(plain(divisorHarmonicMean(1)), { num: 1, den: 1 });
  assert.deepEqual(plain(divisorHarmonicMean(4)), { num: 12, den: 7 });
  assert.deepEqual(plain(divisorHarmonicMean(6)), { num: 2, den: 1 });
  assert.deepEqual(plain(divisorHarmonicMean(28)), { num: 3, den: 1 });
});

test('Ore numbers up to 300', () => {
  assert.deepEqual(oreNumbersUpTo(300), [1, 6, 28, 140, 270]);
});
