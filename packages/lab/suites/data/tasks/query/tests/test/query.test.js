import { test } from 'node:test';
import assert from 'node:assert/strict';
import { runQuery } from '../src/query.js';

const people = [
  { name: 'Ada', age: 36, city: 'London' },
  { name: 'Alan', age: 41, city: 'Wilmslow' },
  { name: 'Grace', age: 85, city: 'Arlington' },
];

test('select, filter, limit', () => {
  assert.deepEqual(
    runQuery(people, [
      { op: 'filter', column: 'age', test: '<', value: 50 },
      { op: 'select', columns: ['name', 'zip'] },
      { op: 'limit', count: 1 },
    ]),
    [{ name: 'Ada', zip: null }],
  );
  assert.deepEqual(runQuery(people, [{ op: 'filter', column: 'city', test: '!=', value: 'London' }]).length, 2);
  assert.throws(() => runQuery(people, [{ op: 'filter', column: 'age', test: '~', value: 1 }]), RangeError);
});

test('rename and mutate leave the input alone', () => {
  const out = runQuery(people, [
    { op: 'rename', mapping: { name: 'who' } },
    { op: 'mutate', column: 'decade', fn: (r) => Math.floor(r.age / 10) * 10 },
  ]);
  assert.deepEqual(out[2], { who: 'Grace', age: 85, city: 'Arlington', decade: 80 });
  assert.deepEqual(Object.keys(people[0]), ['name', 'age', 'city']);
});

test('custom operations and errors', () => {
  const operations = { reverse: (rows) => [...rows].reverse(), limit: () => [] };
  assert.deepEqual(runQuery(people, [{ op: 'reverse' }], { operations }).map((r) => r.name), ['Grace', 'Alan', 'Ada']);
  assert.deepEqual(runQuery(people, [{ op: 'limit', count: 2 }], { operations }), []);
  assert.throws(() => runQuery(people, [{ op: 'limit', count: 1 }, { op: 'explode' }]), /'explode' in step 1/);
  assert.deepEqual(runQuery(people, []), people);
});
