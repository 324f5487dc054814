import { accessibleColors, shadesOf } from '../src/palette.js';

test('shadesOf runs from light to the accent', () => {
  assert.deepEqual(shadesOf('#000000', 4), ['#bfbfbf', '#808080', '#404040', '#000000']);
});

test('accessibleColors drops colours that vanish on the background', () => {
  const onWhite = accessibleColors(CATEGORICAL, '#ffffff');
  assert.ok(onWhite.includes('#4e79a7'));
  assert.ok(!onWhite.includes('#edc948'));
  assert.deepEqual(accessibleColors(['#000000', '#111111'], '#000000'), []);
});
