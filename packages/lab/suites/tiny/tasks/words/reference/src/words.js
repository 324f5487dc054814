/** Lower-cased runs of ASCII letters and digits, in order. */
export function splitWords(text) {
  if (typeof text !== 'string') throw new TypeError('splitWords expects a string');
  return (text.match(/[A-Za-z0-9]+/g) ?? []).map((word) => word.toLowerCase());
}
