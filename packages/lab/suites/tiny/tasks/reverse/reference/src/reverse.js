/** Reverses by code point, so characters outside the BMP stay whole. */
export function reverseString(text) {
  if (typeof text !== 'string') throw new TypeError('reverseString expects a string');
  return Array.from(text).reverse().join('');
}
