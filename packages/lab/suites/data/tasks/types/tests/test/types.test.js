import { test } from 'node:test';
import assert from 'node:assert/strict';
import { coerceRecords, coerceValue, inferType, schemaOf } from '../src/types.js';

test('inferType', () => {
  assert.equal(inferType(['1', '2.5', '-3', '1e3', '.5']), 'number');
  assert.equal(inferType(['1', 'x']), 'string');
  assert.equal(inferType(['TRUE', 'false', '']), 'boolean');
  assert.equal(inferType(['2024-01-31', null]), 'date');
  assert.equal(inferType(['', null, undefined]), 'string');
  assert.equal(inferType([3, 4]), 'number');
});

test('coerceValue', () => {
  assert.equal(coerceValue('2.5', 'number'), 2.5);
  assert.equal(coerceValue('True', 'boolean'), true);
  assert.equal(coerceValue('', 'number'), null);
  assert.equal(coerceValue('2024-02-29', 'date'), '2024-02-29');
});

test('schemaOf and coerceRecords', () => {
  const records = [{ a: '1', b: 'x', c: '' }, { a: '', b: 'y', c: 'true', d: '2024-01-01' }];
  assert.deepEqual(schemaOf(records), { a: 'number', b: 'string', c: 'boolean', d: 'date' });
  assert.deepEqual(coerceRecords(records), [
    { a: 1, b: 'x', c: null, d: null },
    { a: null, b: 'y', c: true, d: '2024-01-01' },
  ]);
  assert.equal(records[0].a, '1');
});
