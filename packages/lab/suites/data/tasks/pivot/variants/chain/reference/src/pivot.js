import { aggregate } from './groupby.js';

export function pivotWithTotals(rows, options) {
  const { index, columns, values, agg = 'sum' } = options;
  const table = pivot(rows, options);
  const spec = { Total: [values, agg], n: [values, 'count'] };
  const margin = (group) => (group === undefined || group.n === 0 ? null : group.Total);
  const byIndex = new Map(aggregate(rows, index, spec).map((g) => [g[index], g]));
  const byColumn = new Map(aggregate(rows, columns, spec).map((g) => [String(g[columns]), g]));
  const withTotals = table.map((row) => ({ ...row, Total: margin(byIndex.get(row[index])) }));
  const totalRow = { [index]: 'Total' };
  for (const name of Object.keys(table[0] ?? {}).filter((k) => k !== index)) totalRow[name] = margin(byColumn.get(name));
  totalRow.Total = margin(aggregate(rows, [], spec)[0]);
  return [...withTotals, totalRow];
}
