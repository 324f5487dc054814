import { splitWords } from './words.js';

/** Words joined by `-`, dropping trailing words (or cutting a lone long word) to fit `maxLength`. */
export function slugify(text, maxLength = 60) {
  const words = splitWords(text);
  let slug = '';
  for (const word of words) {
    const next = slug === '' ? word : `${slug}-${word}`;
    if (next.length > maxLength) break;
    slug = next;
  }
  if (slug === '' && words.length > 0) slug = words[0].slice(0, maxLength);
  return slug;
}
