/** Compares the lower-cased letters and digits with their reverse. */
export function isPalindrome(text) {
  const chars = text.toLowerCase().replace(/[^a-z0-9]/g, '');
  for (let i = 0, j = chars.length - 1; i < j; i++, j--) {
    if (chars[i] !== chars[j]) return false;
  }
  return true;
}
