import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mae, mape, movingAverageForecast, naiveForecast, rmse, seasonalNaive } from '../src/forecast.js';

test('naive and moving-average forecasts', () => {
  assert.deepEqual(naiveForecast([3, 5, 4], 2), [4, 4]);
  assert.deepEqual(naiveForecast([3], 0), []);
  assert.deepEqual(movingAverageForecast([1, 2, 3, 6], 3, 2), [11 / 3, 11 / 3]);
  assert.throws(() => movingAverageForecast([1], 2, 1), RangeError);
  assert.throws(() => naiveForecast([], 1), RangeError);
});

test('seasonal naive repeats the last season', () => {
  assert.deepEqual(seasonalNaive([1, 2, 3, 4, 10, 20, 30, 40], 4, 6), [10, 20, 30, 40, 10, 20]);
  assert.deepEqual(seasonalNaive([5, 6, 7], 2, 3), [6, 7, 6]);
  assert.throws(() => seasonalNaive([1, 2], 3, 1), RangeError);
});

test('error metrics', () => {
  assert.equal(mae([1, 2, 3], [2, 2, 5]), 1);
  assert.equal(rmse([1, 2, 3], [2, 2, 5]), Math.sqrt(5 / 3));
  assert.ok(Math.abs(mape([100, 0, 50], [110, 5, 40]) - 15) < 1e-9);
  assert.equal(mape([0], [1]), null);
  assert.throws(() => mae([1], [1, 2]), RangeError);
});
