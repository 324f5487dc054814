import { test } from 'node:test';
import assert from 'node:assert/strict';
import { formatNumber, toCsv, toMarkdownTable } from '../src/report.js';

test('formatNumber', () => {
  assert.equal(formatNumber(1234567.891), '1,234,567.89');
  assert.equal(formatNumber(-1234), '-1,234.00');
  assert.equal(formatNumber(999.999), '1,000.00');
  assert.equal(formatNumber(12.5, { decimals: 0, thousands: ' ' }), '13');
  assert.equal(formatNumber(1234.5, { decimals: 1, thousands: ' ' }), '1 234.5');
  assert.equal(formatNumber(-0.001), '0.00');
  assert.equal(formatNumber(null), '');
});

test('toMarkdownTable', () => {
  const rows = [{ region: 'north|east', total: 1234.5 }, { region: 'south', total: null }];
  assert.equal(
    toMarkdownTable(rows),
    ['| region | total |', '| --- | ---: |', '| north\\|east | 1,234.50 |', '| south |  |'].join('\n'),
  );
  assert.equal(toMarkdownTable([{ a: 1 }], ['a', 'b']), '| a | b |\n| ---: | --- |\n| 1.00 |  |');
});

test('toCsv quotes what needs quoting', () => {
  assert.equal(toCsv([{ name: 'Ada, L.', note: 'say "hi"', n: 3 }, { name: 'Bob', note: null, n: 0 }]), 'name,note,n\n"Ada, L.","say ""hi""",3\nBob,,0\n');
  assert.equal(toCsv([]), '\n');
});
