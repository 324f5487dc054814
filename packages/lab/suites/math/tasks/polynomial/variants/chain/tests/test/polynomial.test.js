import { polyEvalRational, rationalRoots } from '../src/polynomial.js';
import { rational } from '../src/rational.js';

const plain = (r) => ({ num: r.num, den: r.den });

test('polyEvalRational is exact', () => {
  assert.deepEqual(plain(polyEvalRational([1, 0, -3, 2], rational(1, 2))), { num: 1, den: 2 });
  assert.deepEqual(plain(polyEvalRational([1, 0, -3, 2], rational(-2, 3))), { num: -25, den: 27 });
  assert.deepEqual(plain(polyEvalRational([], rational(5))), { num: 0, den: 1 });
});

test('rationalRoots by the rational root theorem', () => {
  assert.deepEqual(rationalRoots([1, -3, 2]).map(plain), [{ num: 1, den: 2 }, { num: 1, den: 1 }]);
  assert.deepEqual(rationalRoots([0, -1, 0, 1]).map(plain), [{ num: -1, den: 1 }, { num: 0, den: 1 }, { num: 1, den: 1 }]);
  assert.deepEqual(rationalRoots([-6, 11, -6, 1]).map(plain), [1, 2, 3].map((n) => ({ num: n, den: 1 })));
  assert.deepEqual(rationalRoots([1, 0, 1]), []);
  assert.deepEqual(rationalRoots([4]), []);
});
