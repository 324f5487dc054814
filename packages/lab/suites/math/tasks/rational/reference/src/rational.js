function gcd(a, b) {
  let x = Math.abs(a);
  let y = Math.abs(b);
  while (y !== 0) [x, y] = [y, x % y];
  return x;
}

export function rational(num, den = 1) {
  if (!Number.isSafeInteger(num) || !Number.isSafeInteger(den)) {
    throw new TypeError(`rational needs safe integers, got ${num}/${den}`);
  }
  if (den === 0) throw new RangeError('denominator is zero');
  const sign = den < 0 ? -1 : 1;
  const g = gcd(num, den) || 1;
  return Object.freeze({ num: (sign * num) / g || 0, den: (sign * den) / g });
}

export function add(a, b) {
  return rational(a.num * b.den + b.num * a.den, a.den * b.den);
}

export function sub(a, b) {
  return rational(a.num * b.den - b.num * a.den, a.den * b.den);
}

export function mul(a, b) {
  return rational(a.num * b.num, a.den * b.den);
}

export function div(a, b) {
  if (b.num === 0) throw new RangeError('division by zero');
  return rational(a.num * b.den, a.den * b.num);
}

export function compare(a, b) {
  return Math.sign(a.num * b.den - b.num * a.den);
}

export function toNumber(r) {
  return r.num / r.den;
}

export function toString(r) {
  return r.den === 1 ? `${r.num}` : `${r.num}/${r.den}`;
}
