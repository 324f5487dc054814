import { test } from 'node:test';
import assert from 'node:assert/strict';
import { parseCsv } from '../src/csv.js';

test('records become objects keyed by the header', () => {
  assert.deepEqual(parseCsv('name,age\nAda,36\nAlan,41\n'), [
    { name: 'Ada', age: '36' },
    { name: 'Alan', age: '41' },
  ]);
  assert.deepEqual(parseCsv(''), []);
});

test('quoted fields hold delimiters, quotes and line breaks', () => {
  const text = 'id,note\r\n1,"a, b"\r\n2,"say ""hi"""\r\n3,"two\nlines"\r\n';
  assert.deepEqual(parseCsv(text), [
    { id: '1', note: 'a, b' },
    { id: '2', note: 'say "hi"' },
    { id: '3', note: 'two\nlines' },
  ]);
});

test('short records are padded, blank lines skipped', () => {
  assert.deepEqual(parseCsv('a,b,c\n1\n\n4,5,\n'), [
    { a: '1', b: '', c: '' },
    { a: '4', b: '5', c: '' },
  ]);
});

test('header: false and other delimiters', () => {
  assert.deepEqual(parseCsv('x;y\n1;"2;3"', { delimiter: ';', header: false }), [['x', 'y'], ['1', '2;3']]);
  assert.deepEqual(parseCsv('a,,\n', { header: false }), [['a', '', '']]);
});

test('malformed input', () => {
  assert.throws(() => parseCsv('a,b\n"open,1\n'), SyntaxError);
  assert.throws(() => parseCsv('a,b\n1,2\n"x\ny",2,3\n'), /line 3/);
});
