import { test } from 'node:test';
import assert from 'node:assert/strict';
import { addDays, dateRange, daysBetween, fromDays, monthKey, parseDate, toDays, weekday } from '../src/dates.js';

test('parseDate validates the calendar', () => {
  assert.deepEqual(parseDate('2024-02-29'), { year: 2024, month: 2, day: 29 });
  for (const bad of ['2023-02-29', '2024-13-01', '2024-04-31', '24-01-01', '2024-1-01', '1900-02-29']) {
    assert.throws(() => parseDate(bad), RangeError, bad);
  }
  assert.deepEqual(parseDate('2000-02-29'), { year: 2000, month: 2, day: 29 });
});

test('day counts', () => {
  assert.equal(toDays('1970-01-02'), 1);
  assert.equal(toDays('1969-12-31'), -1);
  assert.equal(fromDays(19723), '2024-01-01');
  assert.equal(fromDays(toDays('0099-07-04')), '0099-07-04');
  assert.equal(daysBetween('2024-01-01', '2024-03-01'), 60);
  assert.equal(addDays('2024-02-28', 2), '2024-03-01');
  assert.equal(addDays('2024-01-01', -1), '2023-12-31');
});

test('weekday, monthKey, dateRange', () => {
  assert.equal(weekday('2024-01-01'), 'Mon');
  assert.equal(weekday('2000-01-01'), 'Sat');
  assert.equal(monthKey('2024-07-15'), '2024-07');
  assert.deepEqual(dateRange('2024-01-30', '2024-02-02'), ['2024-01-30', '2024-01-31', '2024-02-01', '2024-02-02']);
  assert.deepEqual(dateRange('2024-01-01', '2024-01-20', 7), ['2024-01-01', '2024-01-08', '2024-01-15']);
  assert.deepEqual(dateRange('2024-02-01', '2024-01-01'), []);
});
