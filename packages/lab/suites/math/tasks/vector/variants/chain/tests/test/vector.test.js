import { centered, pearson } from '../src/vector.js';

test('centered subtracts the mean', () => {
  assert.deepEqual(centered([1, 2, 3, 6]), [-2, -1, 0, 3]);
});

test('pearson as the cosine of centred vectors', () => {
  near(pearson([1, 2, 3], [2, 4, 6]), 1, 1e-12);
  near(pearson([1, 2, 3], [3, 2, 1]), -1, 1e-12);
  near(pearson([1, 2, 3, 4], [1, 3, 2, 4]), 0.8, 1e-12);
  assert.throws(() => pearson([1, 1, 1], [1, 2, 3]), RangeError);
});
