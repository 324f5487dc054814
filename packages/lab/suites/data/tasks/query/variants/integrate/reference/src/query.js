import { innerJoin, leftJoin } from './join.js';
import { aggregate } from './groupby.js';
import { correlationMatrix } from './correlation.js';
import { createRng, sample } from './sampling.js';
import { describe } from './describe.js';
import { dropMissing, fillMissing } from './missing.js';
import { formatNumber } from './report.js';
import { histogram } from './histogram.js';
import { iqrOutliers } from './outliers.js';
import { linearFit, predict } from './regression.js';
import { monthKey } from './dates.js';
import { movingAverage } from './rolling.js';
import { movingAverageForecast, naiveForecast } from './forecast.js';
import { parseCsv } from './csv.js';
import { percentChange } from './change.js';
import { pivot } from './pivot.js';
import { coerceRecords } from './types.js';
import { sortBy, topN } from './sort.js';
import { tokenize } from './text.js';

const column = (rows, name) => rows.map((r) => r[name]);
const withColumn = (rows, name, values) => rows.map((row, i) => ({ ...row, [name]: values[i] }));

export const standardOperations = {
  coerce: (rows) => coerceRecords(rows),
  dropMissing: (rows, { columns }) => dropMissing(rows, columns),
  fillMissing: (rows, { column: name, strategy }) => fillMissing(rows, name, strategy),
  sort: (rows, { keys }) => sortBy(rows, keys),
  top: (rows, { column: name, count }) => topN(rows, name, count),
  join: (rows, { right, key, how = 'inner' }) => (how === 'left' ? leftJoin(rows, right, key) : innerJoin(rows, right, key)),
  aggregate: (rows, { by, spec }) => aggregate(rows, by, spec),
  pivot: (rows, { index, columns, values, agg }) => pivot(rows, { index, columns, values, agg }),
  movingAverage: (rows, { column: name, window, as }) => withColumn(rows, as, movingAverage(column(rows, name), window)),
  percentChange: (rows, { column: name, as }) => withColumn(rows, as, percentChange(column(rows, name))),
  flagOutliers: (rows, { column: name, as, k = 1.5 }) => {
    const outliers = new Set(iqrOutliers(column(rows, name), k));
    return rows.map((row, i) => ({ ...row, [as]: outliers.has(i) }));
  },
  histogram: (rows, { column: name, bins }) => histogram(column(rows, name), { bins }),
  describe: (rows, { columns }) => columns.map((name) => ({ column: name, ...describe(column(rows, name)) })),
  correlate: (rows, { columns }) => {
    const matrix = correlationMatrix(rows, columns);
    return columns.map((name) => ({ column: name, ...matrix[name] }));
  },
  fitLine: (rows, { x, y, as }) => {
    const fit = linearFit(column(rows, x), column(rows, y));
    return rows.map((row) => ({ ...row, [as]: predict(fit, row[x]) }));
  },
  forecast: (rows, { column: name, horizon, method = 'naive', window }) => {
    const values = column(rows, name);
    const forecast = method === 'movingAverage' ? movingAverageForecast(values, window, horizon) : naiveForecast(values, horizon);
    return forecast.map((value, i) => ({ step: i + 1, value }));
  },
  format: (rows, { column: name, decimals = 2 }) => rows.map((row) => ({ ...row, [name]: formatNumber(row[name], { decimals }) })),
  month: (rows, { column: name, as }) => rows.map((row) => ({ ...row, [as]: monthKey(row[name]) })),
  wordCount: (rows, { column: name, as }) => rows.map((row) => ({ ...row, [as]: tokenize(row[name] ?? '').length })),
  sample: (rows, { count, seed = 1 }) => sample(rows, count, createRng(seed)),
};

export function analyzeCsv(text, steps) {
  return runQuery(coerceRecords(parseCsv(text)), steps, { operations: standardOperations });
}
