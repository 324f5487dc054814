import { inferType } from './types.js';

function mostFrequent(values) {
  const counts = new Map();
  let best;
  for (const v of values) {
    const count = (counts.get(v) ?? 0) + 1;
    counts.set(v, count);
    if (best === undefined || count > counts.get(best)) best = v;
  }
  return best;
}

export function imputeColumns(rows) {
  let out = rows.map((row) => ({ ...row }));
  for (const column of columnsOf(rows)) {
    const present = rows.map((r) => r[column]).filter((v) => !isMissing(v));
    if (present.length === 0) continue;
    const strategy = inferType(present.map(String)) === 'number' ? 'mean' : { value: mostFrequent(present) };
    out = fillMissing(out, column, strategy);
  }
  return out;
}
