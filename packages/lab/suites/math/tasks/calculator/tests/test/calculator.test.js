import { test } from 'node:test';
import assert from 'node:assert/strict';
import { evaluate } from '../src/calculator.js';

const near = (actual, expected, tolerance = 1e-12) =>
  assert.ok(Math.abs(actual - expected) <= tolerance, `${actual} is not within ${tolerance} of ${expected}`);

test('precedence and associativity', () => {
  assert.equal(evaluate('1 + 2 * 3'), 7);
  assert.equal(evaluate('(1 + 2) * 3'), 9);
  assert.equal(evaluate('10 - 4 - 3'), 3);
  assert.equal(evaluate('2 ^ 3 ^ 2'), 512);
  assert.equal(evaluate('-2 ^ 2'), -4);
  assert.equal(evaluate('2 ^ -1'), 0.5);
  assert.equal(evaluate('10 % 4 + .5 + 1e1'), 12.5);
});

test('variables, constants and functions', () => {
  near(evaluate('x * y + pi', { variables: { x: 2, y: 3 } }), 6 + Math.PI);
  assert.equal(evaluate('pi', { variables: { pi: 3 } }), 3);
  assert.equal(evaluate('hyp(3, 4)', { functions: { hyp: Math.hypot } }), 5);
  assert.equal(evaluate('max(1, 5, 2) + sqrt(16)'), 9);
  assert.equal(evaluate('answer()', { functions: { answer: () => 42 } }), 42);
});

test('syntax errors carry a position', () => {
  assert.throws(() => evaluate('1 +'), /position 3/);
  assert.throws(() => evaluate('(1 + 2'), SyntaxError);
  assert.throws(() => evaluate('1 $ 2'), /position 2/);
  assert.throws(() => evaluate('1 2'), SyntaxError);
});

test('unknown names and division by zero', () => {
  assert.throws(() => evaluate('foo(1)'), ReferenceError);
  assert.throws(() => evaluate('x + 1'), ReferenceError);
  assert.throws(() => evaluate('1 / 0'), RangeError);
  assert.throws(() => evaluate('5 % (2 - 2)'), RangeError);
});
