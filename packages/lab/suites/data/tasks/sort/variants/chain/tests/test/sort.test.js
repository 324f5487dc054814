import { sortComplete } from '../src/sort.js';

test('sortComplete drops rows missing a sort column', () => {
  assert.deepEqual(sortComplete(rows, ['team', 'score']).map((r) => r.name), ['b', 'd', 'c']);
  assert.deepEqual(sortComplete(rows, [{ column: 'score', order: 'desc' }]).map((r) => r.name), ['d', 'b', 'c', 'e']);
});
