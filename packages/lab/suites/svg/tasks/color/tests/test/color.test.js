import { test } from 'node:test';
import assert from 'node:assert/strict';
import { contrastRatio, contrastText, luminance, mix, parseColor, toHex } from '../src/color.js';

test('parse and print', () => {
  assert.deepEqual(parseColor('#f80'), { r: 255, g: 136, b: 0 });
  assert.deepEqual(parseColor('#4E79A7'), { r: 78, g: 121, b: 167 });
  assert.deepEqual(parseColor('rgb(1, 2,3)'), { r: 1, g: 2, b: 3 });
  for (const bad of ['red', '#12', 'rgb(256, 0, 0)', '#ggg']) assert.throws(() => parseColor(bad), SyntaxError, bad);
  assert.equal(toHex({ r: 255, g: 136.4, b: -3 }), '#ff8800');
});

test('mix', () => {
  assert.equal(mix('#000000', '#ffffff', 0.5), '#808080');
  assert.equal(mix('#ff0000', '#0000ff', 0), '#ff0000');
  assert.equal(mix('#ff0000', 'rgb(0, 0, 255)', 1), '#0000ff');
});

test('luminance and contrast', () => {
  assert.equal(luminance('#ffffff'), 1);
  assert.equal(luminance('#000'), 0);
  assert.ok(Math.abs(contrastRatio('#000', '#fff') - 21) < 1e-12);
  assert.ok(Math.abs(contrastRatio('#777777', '#ffffff') - 4.478) < 0.001);
  assert.equal(contrastText('#ffff00'), '#000000');
  assert.equal(contrastText('#00008b'), '#ffffff');
});
