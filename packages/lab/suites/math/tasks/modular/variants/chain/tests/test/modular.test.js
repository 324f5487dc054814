import { modInverse } from '../src/modular.js';

test('modInverse finds the inverse in [0, m)', () => {
  assert.equal(modInverse(3, 11), 4);
  assert.equal(modInverse(-3, 11), 7);
  assert.equal(modInverse(10, 17), 12);
  assert.equal(mod(123456 * modInverse(123456, 1_000_000_007), 1_000_000_007), 1);
});

test('modInverse rejects non-coprime arguments', () => {
  assert.throws(() => modInverse(6, 9), RangeError);
});
