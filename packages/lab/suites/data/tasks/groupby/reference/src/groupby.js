const missing = (v) => v === null || v === undefined || v === '' || Number.isNaN(v);

export function groupBy(rows, column) {
  const groups = new Map();
  for (const row of rows) {
    const key = row[column];
    if (!groups.has(key)) groups.set(key, []);
    groups.get(key).push(row);
  }
  return groups;
}

const OPS = {
  count: (values) => values.length,
  sum: (values) => values.reduce((s, v) => s + v, 0),
  mean: (values) => (values.length === 0 ? null : values.reduce((s, v) => s + v, 0) / values.length),
  min: (values) => (values.length === 0 ? null : Math.min(...values)),
  max: (values) => (values.length === 0 ? null : Math.max(...values)),
  first: (values) => (values.length === 0 ? null : values[0]),
  distinct: (values) => new Set(values).size,
};

export function aggregate(rows, by, spec) {
  const keys = Array.isArray(by) ? by : [by];
  for (const [, op] of Object.values(spec)) {
    if (!Object.hasOwn(OPS, op)) throw new RangeError(`unknown aggregate op '${op}'`);
  }
  const groups = new Map();
  for (const row of rows) {
    const id = JSON.stringify(keys.map((k) => row[k] ?? null));
    if (!groups.has(id)) groups.set(id, []);
    groups.get(id).push(row);
  }
  return [...groups.values()].map((group) => {
    const out = Object.fromEntries(keys.map((k) => [k, group[0][k]]));
    for (const [name, [column, op]] of Object.entries(spec)) {
      const values = column === '*' ? group : group.map((r) => r[column]).filter((v) => !missing(v));
      out[name] = OPS[op](values);
    }
    return out;
  });
}
