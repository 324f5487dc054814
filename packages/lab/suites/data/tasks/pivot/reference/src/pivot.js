const missing = (v) => v === null || v === undefined || v === '' || Number.isNaN(v);

const AGGREGATES = {
  sum: (xs) => xs.reduce((s, x) => s + x, 0),
  mean: (xs) => xs.reduce((s, x) => s + x, 0) / xs.length,
  count: (xs) => xs.length,
  min: (xs) => Math.min(...xs),
  max: (xs) => Math.max(...xs),
};

export function pivot(rows, { index, columns, values, agg = 'sum' }) {
  const reduce = AGGREGATES[agg];
  if (!Object.hasOwn(AGGREGATES, agg)) throw new RangeError(`unknown aggregate '${agg}'`);
  const names = [...new Set(rows.map((r) => String(r[columns])))].sort();
  const cells = new Map();
  for (const row of rows) {
    if (!cells.has(row[index])) cells.set(row[index], new Map(names.map((n) => [n, []])));
    if (!missing(row[values])) cells.get(row[index]).get(String(row[columns])).push(row[values]);
  }
  return [...cells].map(([key, byName]) => ({
    [index]: key,
    ...Object.fromEntries(names.map((n) => [n, byName.get(n).length === 0 ? null : reduce(byName.get(n))])),
  }));
}
