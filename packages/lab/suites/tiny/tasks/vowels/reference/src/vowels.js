const VOWELS = ['a', 'e', 'i', 'o', 'u'];

/** Counts of a, e, i, o, u, case-insensitively; every key present. */
export function vowelHistogram(text) {
  const counts = Object.fromEntries(VOWELS.map((v) => [v, 0]));
  for (const ch of text.toLowerCase()) {
    if (ch in counts) counts[ch] += 1;
  }
  return counts;
}

export function countVowels(text) {
  return Object.values(vowelHistogram(text)).reduce((sum, n) => sum + n, 0);
}
