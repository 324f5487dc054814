import { test } from 'node:test';
import assert from 'node:assert/strict';
import { isPalindrome } from '../src/palindrome.js';

test('ignores case, spaces and punctuation', () => {
  assert.equal(isPalindrome('A man, a plan, a canal: Panama'), true);
  assert.equal(isPalindrome('No lemon, no melon'), true);
});

test('detects non-palindromes', () => {
  assert.equal(isPalindrome('abc'), false);
  assert.equal(isPalindrome('ab1a'), false);
});

test('empty and symbol-only strings are palindromes', () => {
  assert.equal(isPalindrome(''), true);
  assert.equal(isPalindrome('?!'), true);
});
