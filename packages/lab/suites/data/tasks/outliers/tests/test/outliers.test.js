import { test } from 'node:test';
import assert from 'node:assert/strict';
import { iqrOutliers, zScoreOutliers, zScores } from '../src/outliers.js';

test('zScores with the population standard deviation', () => {
  assert.deepEqual(zScores([2, 4, 4, 4, 5, 5, 7, 9]), [-1.5, -0.5, -0.5, -0.5, 0, 0, 1, 2]);
  assert.deepEqual(zScores([3, null, 3]), [0, null, 0]);
});

test('zScoreOutliers', () => {
  const values = [10, 11, 9, 10, 12, 8, 10, 11, 9, 10, 50];
  assert.deepEqual(zScoreOutliers(values), [10]);
  assert.deepEqual(zScoreOutliers(values, 10), []);
});

test('iqrOutliers', () => {
  assert.deepEqual(iqrOutliers([1, 2, 3, 4, 5, 6, 7, 8, 100]), [8]);
  assert.deepEqual(iqrOutliers([-40, 10, 12, null, 11, 13, 12]), [0]);
  assert.deepEqual(iqrOutliers([1, 2, 3, 4, 5, 6, 7, 8, 100], 100), []);
  assert.deepEqual(iqrOutliers([null]), []);
});
