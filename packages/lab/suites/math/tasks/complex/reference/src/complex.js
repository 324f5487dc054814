export function complex(re, im = 0) {
  return { re, im };
}

export function add(a, b) {
  return complex(a.re + b.re, a.im + b.im);
}

export function sub(a, b) {
  return complex(a.re - b.re, a.im - b.im);
}

export function mul(a, b) {
  return complex(a.re * b.re - a.im * b.im, a.re * b.im + a.im * b.re);
}

export function div(a, b) {
  const d = b.re * b.re + b.im * b.im;
  if (d === 0) throw new RangeError('division by zero');
  return complex((a.re * b.re + a.im * b.im) / d, (a.im * b.re - a.re * b.im) / d);
}

export function conjugate(z) {
  return complex(z.re, -z.im);
}

export function abs(z) {
  return Math.hypot(z.re, z.im);
}

export function arg(z) {
  return Math.atan2(z.im, z.re);
}

export function fromPolar(r, theta) {
  return complex(r * Math.cos(theta), r * Math.sin(theta));
}

export function nthRoots(z, n) {
  if (!Number.isInteger(n) || n <= 0) throw new RangeError(`n must be a positive integer, got ${n}`);
  const r = abs(z) ** (1 / n);
  const theta = arg(z);
  return Array.from({ length: n }, (_, k) => fromPolar(r, (theta + 2 * Math.PI * k) / n));
}

export function toString(z) {
  const { re, im } = z;
  if (im === 0) return `${re}`;
  const imag = im === 1 ? 'i' : im === -1 ? '-i' : `${im}i`;
  if (re === 0) return imag;
  return im < 0 ? `${re}${imag}` : `${re}+${imag}`;
}
