import { gridFor } from '../src/grid.js';

test('gridFor lines up with the nice ticks', () => {
  const grid = gridFor([0, 100], [200, 0], 'horizontal', 300);
  assert.equal(grid.match(/<line/g).length, 6);
  assert.ok(grid.includes('<line x1="0" y1="160" x2="300" y2="160" stroke="#dddddd"/>'));
  assert.ok(gridFor([0, 9.5], [0, 100], 'vertical', 50).includes('<line x1="100" y1="0" x2="100" y2="50" stroke="#dddddd"/>'));
});
