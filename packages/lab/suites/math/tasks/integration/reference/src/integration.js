export function trapezoid(f, a, b, n = 1000) {
  const h = (b - a) / n;
  let sum = (f(a) + f(b)) / 2;
  for (let i = 1; i < n; i++) sum += f(a + i * h);
  return sum * h;
}

export function simpson(f, a, b, n = 1000) {
  if (!Number.isInteger(n) || n <= 0 || n % 2 !== 0) throw new RangeError(`simpson needs a positive even n, got ${n}`);
  const h = (b - a) / n;
  let sum = f(a) + f(b);
  for (let i = 1; i < n; i++) sum += (i % 2 === 1 ? 4 : 2) * f(a + i * h);
  return (sum * h) / 3;
}

export function adaptiveSimpson(f, a, b, tolerance = 1e-10, maxDepth = 50) {
  const rule = (lo, hi, fLo, fMid, fHi) => ((hi - lo) / 6) * (fLo + 4 * fMid + fHi);
  const recurse = (lo, hi, fLo, fMid, fHi, whole, tol, depth) => {
    const mid = (lo + hi) / 2;
    const fLeft = f((lo + mid) / 2);
    const fRight = f((mid + hi) / 2);
    const left = rule(lo, mid, fLo, fLeft, fMid);
    const right = rule(mid, hi, fMid, fRight, fHi);
    const delta = left + right - whole;
    if (depth <= 0 || Math.abs(delta) <= 15 * tol) return left + right + delta / 15;
    return (
      recurse(lo, mid, fLo, fLeft, fMid, left, tol / 2, depth - 1) +
      recurse(mid, hi, fMid, fRight, fHi, right, tol / 2, depth - 1)
    );
  };
  if (a === b) return 0;
  const fa = f(a);
  const fb = f(b);
  const fm = f((a + b) / 2);
  return recurse(a, b, fa, fm, fb, rule(a, b, fa, fm, fb), tolerance, maxDepth);
}
