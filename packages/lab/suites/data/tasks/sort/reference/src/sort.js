const missing = (v) => v === null || v === undefined || v === '' || Number.isNaN(v);

function compareValues(a, b) {
  if (typeof a === typeof b) return a < b ? -1 : a > b ? 1 : 0;
  return typeof a === 'number' ? -1 : 1;
}

export function sortBy(rows, keys) {
  const specs = keys.map((k) => (typeof k === 'string' ? { column: k, order: 'asc' } : { order: 'asc', ...k }));
  return rows
    .map((row, index) => ({ row, index }))
    .sort((x, y) => {
      for (const { column, order } of specs) {
        const a = x.row[column];
        const b = y.row[column];
        if (missing(a) || missing(b)) {
          if (missing(a) && missing(b)) continue;
          return missing(a) ? 1 : -1;
        }
        const c = compareValues(a, b);
        if (c !== 0) return order === 'desc' ? -c : c;
      }
      return x.index - y.index;
    })
    .map(({ row }) => row);
}

export function topN(rows, column, n) {
  return sortBy(rows, [{ column, order: 'desc' }]).slice(0, n);
}
