export function bisection(f, a, b, { tolerance = 1e-12, maxIterations = 200 } = {}) {
  let lo = a;
  let hi = b;
  let fLo = f(lo);
  const fHi = f(hi);
  if (fLo === 0) return lo;
  if (fHi === 0) return hi;
  if (Math.sign(fLo) === Math.sign(fHi)) throw new RangeError(`f(a) and f(b) have the same sign on [${a}, ${b}]`);
  for (let i = 0; i < maxIterations && Math.abs(hi - lo) > tolerance; i++) {
    const mid = (lo + hi) / 2;
    const fMid = f(mid);
    if (fMid === 0) return mid;
    if (Math.sign(fMid) === Math.sign(fLo)) {
      lo = mid;
      fLo = fMid;
    } else {
      hi = mid;
    }
  }
  return (lo + hi) / 2;
}

export function newton(f, df, x0, { tolerance = 1e-12, maxIterations = 50 } = {}) {
  let x = x0;
  for (let i = 0; i < maxIterations; i++) {
    const slope = df(x);
    if (slope === 0) throw new Error(`newton: zero derivative at x = ${x}`);
    const step = f(x) / slope;
    x -= step;
    if (Math.abs(step) < tolerance * Math.max(1, Math.abs(x))) return x;
  }
  throw new Error(`newton: no convergence after ${maxIterations} iterations`);
}

export function findRoots(f, a, b, steps = 1000) {
  const roots = [];
  const push = (root) => {
    if (roots.every((r) => Math.abs(r - root) >= 1e-9)) roots.push(root);
  };
  const h = (b - a) / steps;
  let x0 = a;
  let f0 = f(x0);
  if (f0 === 0) push(x0);
  for (let i = 1; i <= steps; i++) {
    const x1 = i === steps ? b : a + i * h;
    const f1 = f(x1);
    if (f1 === 0) push(x1);
    else if (f0 !== 0 && Math.sign(f0) !== Math.sign(f1)) push(bisection(f, x0, x1));
    x0 = x1;
    f0 = f1;
  }
  return roots.sort((p, q) => p - q);
}
