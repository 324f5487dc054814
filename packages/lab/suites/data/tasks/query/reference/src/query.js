const TESTS = {
  '==': (a, b) => a === b,
  '!=': (a, b) => a !== b,
  '<': (a, b) => a < b,
  '<=': (a, b) => a <= b,
  '>': (a, b) => a > b,
  '>=': (a, b) => a >= b,
};

const BUILT_IN = {
  select: (rows, { columns }) => rows.map((row) => Object.fromEntries(columns.map((c) => [c, row[c] ?? null]))),
  filter: (rows, { column, test, value }) => {
    const check = TESTS[test];
    if (!Object.hasOwn(TESTS, test)) throw new RangeError(`unknown filter test '${test}'`);
    return rows.filter((row) => check(row[column], value));
  },
  limit: (rows, { count }) => rows.slice(0, count),
  rename: (rows, { mapping }) =>
    rows.map((row) => Object.fromEntries(Object.entries(row).map(([k, v]) => [Object.hasOwn(mapping, k) ? mapping[k] : k, v]))),
  mutate: (rows, { column, fn }) => rows.map((row) => ({ ...row, [column]: fn(row) })),
};

export function runQuery(rows, steps, { operations = {} } = {}) {
  return steps.reduce((current, step, index) => {
    const run = Object.hasOwn(operations, step.op) ? operations[step.op] : Object.hasOwn(BUILT_IN, step.op) ? BUILT_IN[step.op] : undefined;
    if (run === undefined) throw new RangeError(`unknown operation '${step.op}' in step ${index}`);
    return run(current, step);
  }, rows);
}
