import { trend } from '../src/change.js';

test('trend is the growth of the moving average', () => {
  assert.deepEqual(trend([10, 30, 30, 50, 70], 2), [null, null, 50, 33.33333333333333, 50]);
  assert.deepEqual(trend([1, 2], 3), [null, null]);
});
