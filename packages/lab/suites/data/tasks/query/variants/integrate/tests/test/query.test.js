import { analyzeCsv, standardOperations } from '../src/query.js';

const SALES = [
  'date,region,product,units,price,note',
  '2024-01-05,north,widget,3,2.5,first order of the year',
  '2024-01-20,south,gadget,1,10,',
  '2024-02-03,north,gadget,2,10,repeat customer',
  '2024-02-14,south,widget,,2.5,units lost',
  '2024-02-28,north,widget,5,2.5,',
  '2024-03-02,east,widget,4,2.5,new region',
  '',
].join('\n');

test('revenue by region', () => {
  assert.deepEqual(
    analyzeCsv(SALES, [
      { op: 'dropMissing', columns: ['units'] },
      { op: 'mutate', column: 'revenue', fn: (r) => r.units * r.price },
      { op: 'aggregate', by: 'region', spec: { revenue: ['revenue', 'sum'], orders: ['*', 'count'] } },
      { op: 'sort', keys: [{ column: 'revenue', order: 'desc' }] },
      { op: 'format', column: 'revenue', decimals: 1 },
    ]),
    [
      { region: 'north', revenue: '40.0', orders: 3 },
      { region: 'south', revenue: '10.0', orders: 1 },
      { region: 'east', revenue: '10.0', orders: 1 },
    ],
  );
});

test('units by month and region', () => {
  assert.deepEqual(
    analyzeCsv(SALES, [
      { op: 'month', column: 'date', as: 'month' },
      { op: 'pivot', index: 'month', columns: 'region', values: 'units' },
    ]),
    [
      { month: '2024-01', east: null, north: 3, south: 1 },
      { month: '2024-02', east: null, north: 7, south: null },
      { month: '2024-03', east: 4, north: null, south: null },
    ],
  );
});

test('series operations', () => {
  const rows = analyzeCsv(SALES, [
    { op: 'fillMissing', column: 'units', strategy: 'previous' },
    { op: 'movingAverage', column: 'units', window: 2, as: 'ma' },
    { op: 'percentChange', column: 'units', as: 'pct' },
    { op: 'flagOutliers', column: 'units', as: 'odd' },
    { op: 'select', columns: ['units', 'ma', 'pct', 'odd'] },
  ]);
  assert.deepEqual(rows.map((r) => r.ma), [null, 2, 1.5, 2, 3.5, 4.5]);
  assert.deepEqual(rows.map((r) => r.pct), [null, ((1 - 3) / 3) * 100, 100, 0, 150, -20]);
  assert.ok(rows.every((r) => r.odd === false));
  assert.deepEqual(analyzeCsv(SALES, [{ op: 'dropMissing', columns: ['units'] }, { op: 'forecast', column: 'units', horizon: 2, method: 'movingAverage', window: 2 }]), [
    { step: 1, value: 4.5 },
    { step: 2, value: 4.5 },
  ]);
});

test('statistics steps', () => {
  const [units] = analyzeCsv(SALES, [{ op: 'describe', columns: ['units'] }]);
  assert.deepEqual([units.column, units.count, units.missing, units.mean, units.median], ['units', 5, 1, 3, 3]);
  assert.deepEqual(analyzeCsv(SALES, [{ op: 'histogram', column: 'price', bins: 2 }]).map((b) => b.count), [4, 2]);
  const corr = analyzeCsv(SALES, [{ op: 'dropMissing', columns: ['units'] }, { op: 'correlate', columns: ['units', 'price'] }]);
  assert.equal(corr[0].units, 1);
  const fitted = analyzeCsv(SALES, [{ op: 'dropMissing', columns: ['units'] }, { op: 'fitLine', x: 'price', y: 'units', as: 'fit' }]);
  assert.equal(fitted[1].fit, 1.5);
});

test('joins, text, sampling and the remaining steps', () => {
  const managers = [{ region: 'north', manager: 'Ada' }];
  assert.deepEqual(
    analyzeCsv(SALES, [
      { op: 'join', right: managers, key: 'region', how: 'left' },
      { op: 'wordCount', column: 'note', as: 'words' },
      { op: 'top', column: 'words', count: 2 },
      { op: 'select', columns: ['region', 'manager', 'words'] },
    ]),
    [
      { region: 'north', manager: 'Ada', words: 5 },
      { region: 'north', manager: 'Ada', words: 2 },
    ],
  );
  const picked = analyzeCsv(SALES, [{ op: 'sample', count: 3, seed: 5 }]);
  assert.equal(new Set(picked.map((r) => r.date)).size, 3);
  assert.deepEqual(analyzeCsv(SALES, [{ op: 'sample', count: 3, seed: 5 }]), picked);
  assert.equal(analyzeCsv(SALES, [{ op: 'coerce' }])[0].units, 3);
  assert.equal(Object.keys(standardOperations).length, 20);
});
