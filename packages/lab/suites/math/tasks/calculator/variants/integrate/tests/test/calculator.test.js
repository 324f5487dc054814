import { calc, library } from '../src/calculator.js';

test('number theory through the calculator', () => {
  assert.equal(calc('gcd(84, 36) + lcm(4, 6)'), 24);
  assert.equal(calc('gcd(x, 18)', { x: 12 }), 6);
  assert.equal(calc('modpow(2, 10, 1000)'), 24);
  assert.equal(calc('isprime(97) + primecount(30)'), 11);
  assert.equal(calc('sigma(12)'), 28);
  assert.equal(calc('choose(5, 2) * fact(3)'), 60);
  assert.equal(calc('ndigits(-255, 2)'), 8);
});

test('algebra and analysis through the calculator', () => {
  near(calc('fracadd(1, 2, 1, 3)'), 5 / 6);
  assert.equal(calc('poly(2, 1, 0, -3, 2)'), 5);
  near(calc('nthroot(27, 3)'), 3, 1e-10);
  near(calc('erf(1)'), 0.8427007929497149, 1e-9);
  near(calc('dpow(2, 3)'), 12, 1e-6);
  near(calc('decay(1, 1, 1)'), Math.exp(-1), 1e-8);
  near(calc('doubling(ln(2))'), 1);
});

test('statistics, linear algebra and complex numbers', () => {
  assert.equal(calc('mean(1, 2, 3, 4) + median(5, 1, 3)'), 5.5);
  assert.equal(calc('stddev(2, 4, 4, 4, 5, 5, 7, 9)'), 2);
  assert.equal(calc('norm(3, 4) + cabs(6, 8)'), 15);
  assert.equal(calc('fib(10) + fib(1) + fib(0)'), 56);
  near(calc('det2(1, 2, 3, 4)'), -2);
  assert.equal(calc('lerp(0, 0, 10, 100, 2.5)'), 25);
});

test('the library covers every module', () => {
  assert.ok(Object.keys(library).length >= 24);
  assert.ok(Object.values(library).every((fn) => typeof fn === 'function'));
});
