import { test } from 'node:test';
import assert from 'node:assert/strict';
import { estimateTextWidth, truncateText, wrapText } from '../src/labels.js';

test('estimateTextWidth', () => {
  assert.equal(estimateTextWidth('abcde'), 30);
  assert.equal(estimateTextWidth('ab', 20), 24);
});

test('truncateText', () => {
  assert.equal(truncateText('short', 30), 'short');
  assert.equal(truncateText('a longer label', 30), 'a lo…');
  assert.equal(truncateText('abc', 5), '');
  assert.equal(truncateText('abc', 6), '…');
});

test('wrapText', () => {
  assert.equal(wrapText('the quick brown fox jumps', 60).join('|'), 'the quick|brown fox|jumps');
  assert.deepEqual(wrapText('supercalifragilistic is long', 60), ['supercalifragilistic', 'is long']);
  assert.deepEqual(wrapText('   ', 60), []);
});
