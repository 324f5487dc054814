import { readCsv } from '../src/types.js';

test('readCsv parses and types the columns', () => {
  const text = 'city,pop,capital,founded\nParis,2.1,true,0250-01-01\n"Lyon, FR",,FALSE,\n';
  assert.deepEqual(readCsv(text), [
    { city: 'Paris', pop: 2.1, capital: true, founded: '0250-01-01' },
    { city: 'Lyon, FR', pop: null, capital: false, founded: null },
  ]);
});
