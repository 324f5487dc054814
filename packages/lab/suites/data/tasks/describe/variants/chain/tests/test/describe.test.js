import { modeBin } from '../src/describe.js';

test('modeBin is the centre of the fullest bin', () => {
  assert.equal(modeBin([0, 1, 1.5, 1.8, 2, 9, 10], 5), 1);
  assert.equal(modeBin([3, null, 3]), 3);
  assert.equal(modeBin([null]), null);
});
