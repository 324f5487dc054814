import { slugify } from './slug.js';

/** One distinct slug per title: repeats get the lowest free `-n` suffix (n >= 2). */
export function uniqueSlugs(titles) {
  const used = new Set();
  return titles.map((title) => {
    const base = slugify(title) || 'untitled';
    let slug = base;
    for (let n = 2; used.has(slug); n++) slug = `${base}-${n}`;
    used.add(slug);
    return slug;
  });
}
