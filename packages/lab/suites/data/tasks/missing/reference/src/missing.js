export function isMissing(value) {
  return value === null || value === undefined || value === '' || Number.isNaN(value);
}

function columnsOf(rows) {
  const columns = [];
  for (const row of rows) for (const key of Object.keys(row)) if (!columns.includes(key)) columns.push(key);
  return columns;
}

export function countMissing(rows) {
  return Object.fromEntries(columnsOf(rows).map((c) => [c, rows.filter((r) => isMissing(r[c])).length]));
}

export function dropMissing(rows, columns = columnsOf(rows)) {
  return rows.filter((row) => columns.every((c) => !isMissing(row[c])));
}

function fillValue(rows, column, strategy) {
  const present = rows.map((r) => r[column]).filter((v) => !isMissing(v));
  if (strategy === 'mean') return present.reduce((s, v) => s + v, 0) / present.length;
  const sorted = [...present].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 === 1 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
}

export function fillMissing(rows, column, strategy) {
  if (strategy === 'previous') {
    let last;
    return rows.map((row) => {
      if (!isMissing(row[column])) {
        last = row[column];
        return { ...row };
      }
      return last === undefined ? { ...row } : { ...row, [column]: last };
    });
  }
  let value;
  if (strategy === 'mean' || strategy === 'median') value = fillValue(rows, column, strategy);
  else if (strategy !== null && typeof strategy === 'object' && 'value' in strategy) value = strategy.value;
  else throw new RangeError(`unknown fill strategy ${JSON.stringify(strategy)}`);
  return rows.map((row) => (isMissing(row[column]) ? { ...row, [column]: value } : { ...row }));
}
