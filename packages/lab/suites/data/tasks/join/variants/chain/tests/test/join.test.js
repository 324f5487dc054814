import { mergeJoin } from '../src/join.js';

test('mergeJoin equals the inner join ordered by key', () => {
  assert.deepEqual(mergeJoin(orders, customers, 'customer').map((r) => [r.id, r.name]), [
    [1, 'Ada'],
    [4, 'Ada'],
    [2, 'Bob'],
    [2, 'Bob (dup)'],
  ]);
  assert.deepEqual(mergeJoin([{ k: 2 }, { k: 1 }, { k: null }], [{ k: 1, v: 'a' }, { k: 2, v: 'b' }], 'k'), [
    { k: 1, v: 'a' },
    { k: 2, v: 'b' },
  ]);
});
