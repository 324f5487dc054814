import { test } from 'node:test';
import assert from 'node:assert/strict';
import { CATEGORICAL, categoricalPalette, colorScale, sequentialPalette } from '../src/palette.js';

test('categorical palette cycles', () => {
  assert.equal(CATEGORICAL.length, 10);
  assert.deepEqual(categoricalPalette(2), ['#4e79a7', '#f28e2b']);
  assert.equal(categoricalPalette(12)[11], '#f28e2b');
  assert.deepEqual(categoricalPalette(0), []);
});

test('sequential palette', () => {
  assert.deepEqual(sequentialPalette('#000000', '#ffffff', 3), ['#000000', '#808080', '#ffffff']);
  assert.deepEqual(sequentialPalette('#FF0000', '#0000ff', 1), ['#ff0000']);
  assert.throws(() => sequentialPalette('#000000', '#ffffff', 0), RangeError);
});

test('colorScale interpolates between stops and clamps', () => {
  const scale = colorScale([0, 100], ['#000000', '#ff0000', '#ffffff']);
  assert.equal(scale(0), '#000000');
  assert.equal(scale(25), '#800000');
  assert.equal(scale(50), '#ff0000');
  assert.equal(scale(75), '#ff8080');
  assert.equal(scale(1000), '#ffffff');
  assert.equal(scale(-5), '#000000');
  assert.equal(colorScale([3, 3], ['#123456', '#ffffff'])(3), '#123456');
});
