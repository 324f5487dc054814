export const STOP_WORDS = new Set(
  'a an and are as at be by for from in is it of on or that the to was with'.split(' '),
);

export function tokenize(text) {
  return text.toLowerCase().match(/[a-z0-9]+(?:'[a-z0-9]+)*/g) ?? [];
}

const byCountThenWord = (a, b) => b.count - a.count || (a.word < b.word ? -1 : a.word > b.word ? 1 : 0);

function counts(tokens) {
  const map = new Map();
  for (const t of tokens) map.set(t, (map.get(t) ?? 0) + 1);
  return map;
}

export function wordFrequencies(text, { stopWords = true } = {}) {
  const tokens = tokenize(text).filter((t) => !stopWords || !STOP_WORDS.has(t));
  return [...counts(tokens)].map(([word, count]) => ({ word, count })).sort(byCountThenWord);
}

export function ngrams(tokens, n) {
  if (!Number.isInteger(n) || n <= 0) throw new RangeError(`n must be a positive integer, got ${n}`);
  const out = [];
  for (let i = 0; i + n <= tokens.length; i++) out.push(tokens.slice(i, i + n).join(' '));
  return out;
}

export function keywords(docs, k = 3) {
  const tokenized = docs.map((d) => tokenize(d).filter((t) => !STOP_WORDS.has(t)));
  const df = counts(tokenized.flatMap((tokens) => [...new Set(tokens)]));
  return tokenized.map((tokens) =>
    [...counts(tokens)]
      .map(([word, count]) => ({ word, score: (count / tokens.length) * Math.log(docs.length / df.get(word)) }))
      .filter((w) => w.score > 0)
      .sort((a, b) => b.score - a.score || (a.word < b.word ? -1 : 1))
      .slice(0, k)
      .map((w) => w.word),
  );
}
