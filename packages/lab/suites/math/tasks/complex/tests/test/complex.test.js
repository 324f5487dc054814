import { test } from 'node:test';
import assert from 'node:assert/strict';
import { abs, add, arg, complex, conjugate, div, fromPolar, mul, nthRoots, sub, toString } from '../src/complex.js';

const near = (actual, expected, tolerance = 1e-12) =>
  assert.ok(Math.abs(actual - expected) <= tolerance, `${actual} is not within ${tolerance} of ${expected}`);
const nearZ = (z, re, im) => {
  near(z.re, re);
  near(z.im, im);
};

test('arithmetic', () => {
  assert.deepEqual(add(complex(1, 2), complex(3, 4)), { re: 4, im: 6 });
  assert.deepEqual(sub(complex(1, 2), complex(3, 4)), { re: -2, im: -2 });
  assert.deepEqual(mul(complex(1, 2), complex(3, 4)), { re: -5, im: 10 });
  nearZ(div(complex(-5, 10), complex(3, 4)), 1, 2);
  assert.throws(() => div(complex(1), complex(0, 0)), RangeError);
});

test('modulus, argument, conjugate, polar form', () => {
  assert.equal(abs(complex(3, 4)), 5);
  near(arg(complex(-1, 0)), Math.PI);
  assert.deepEqual(conjugate(complex(1, 2)), { re: 1, im: -2 });
  nearZ(fromPolar(2, Math.PI / 2), 0, 2);
});

test('nth roots', () => {
  const roots = nthRoots(complex(1), 4);
  [[1, 0], [0, 1], [-1, 0], [0, -1]].forEach(([re, im], k) => nearZ(roots[k], re, im));
  nearZ(nthRoots(complex(-8), 3)[0], 1, Math.sqrt(3));
  assert.throws(() => nthRoots(complex(1), 0), RangeError);
});

test('toString', () => {
  assert.deepEqual(
    [complex(3, 4), complex(3, -4), complex(0, 2), complex(0, -1), complex(0, 1), complex(5), complex(0), complex(-2.5, 0.5)].map(toString),
    ['3+4i', '3-4i', '2i', '-i', 'i', '5', '0', '-2.5+0.5i'],
  );
});
