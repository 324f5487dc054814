import { sortBy } from './sort.js';

export function mergeJoin(left, right, key) {
  const present = (row) => row[key] !== null && row[key] !== undefined;
  const l = sortBy(left.filter(present), [key]);
  const r = sortBy(right.filter(present), [key]);
  const out = [];
  let j = 0;
  for (let i = 0; i < l.length; i++) {
    const k = l[i][key];
    while (j < r.length && r[j][key] < k) j++;
    for (let m = j; m < r.length && r[m][key] === k; m++) out.push(merge(l[i], r[m], key));
  }
  return out;
}
