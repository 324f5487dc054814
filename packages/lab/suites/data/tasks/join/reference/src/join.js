function indexBy(rows, key) {
  const index = new Map();
  for (const row of rows) {
    const k = row[key];
    if (k === null || k === undefined) continue;
    if (!index.has(k)) index.set(k, []);
    index.get(k).push(row);
  }
  return index;
}

function merge(leftRow, rightRow, key) {
  const out = { ...leftRow };
  for (const [column, value] of Object.entries(rightRow)) {
    if (column === key) continue;
    out[column in leftRow ? `${column}_right` : column] = value;
  }
  return out;
}

export function innerJoin(left, right, key) {
  const index = indexBy(right, key);
  return left.flatMap((row) => (index.get(row[key]) ?? []).map((match) => merge(row, match, key)));
}

export function leftJoin(left, right, key) {
  const index = indexBy(right, key);
  const rightColumns = [...new Set(right.flatMap((r) => Object.keys(r)))].filter((c) => c !== key);
  return left.flatMap((row) => {
    const matches = row[key] === null || row[key] === undefined ? [] : (index.get(row[key]) ?? []);
    if (matches.length > 0) return matches.map((match) => merge(row, match, key));
    return [merge(row, Object.fromEntries(rightColumns.map((c) => [c, null])), key)];
  });
}
