import { imputeColumns } from '../src/missing.js';

test('imputeColumns fills numbers with the mean and others with the mode', () => {
  const table = [
    { city: 'Oslo', temp: 4, rain: 'yes' },
    { city: '', temp: null, rain: 'no' },
    { city: 'Rome', temp: 16, rain: null },
    { city: 'Oslo', temp: 7, rain: 'no' },
    { city: 'Rome', empty: null },
  ];
  assert.deepEqual(imputeColumns(table), [
    { city: 'Oslo', temp: 4, rain: 'yes' },
    { city: 'Oslo', temp: 9, rain: 'no' },
    { city: 'Rome', temp: 16, rain: 'no' },
    { city: 'Oslo', temp: 7, rain: 'no' },
    { city: 'Rome', empty: null, temp: 9, rain: 'no' },
  ]);
  assert.equal(table[1].temp, null);
});
