import { amdahlBound } from './scaling-bounds.js';

/** A measured speedup at team size n. */
export interface SpeedupPoint {
  n: number;
  speedup: number;
}

export interface AmdahlFit {
  /** Parallel fraction in [0, 1] minimizing the squared error of `1 / ((1 - p) + p / n)`. */
  p: number;
  /** Root mean squared error of the fit, in speedup units. */
  rmse: number;
}

export interface UslFit {
  /** Contention (serialization) coefficient, >= 0. */
  sigma: number;
  /** Coherency (crosstalk) coefficient, >= 0. */
  kappa: number;
  rmse: number;
}

/** Gunther's Universal Scalability Law: `S(n) = n / (1 + sigma (n - 1) + kappa n (n - 1))`. */
export function uslSpeedup(n: number, sigma: number, kappa: number): number {
  return n / (1 + sigma * (n - 1) + kappa * n * (n - 1));
}

const usable = (points: readonly SpeedupPoint[]) =>
  points.filter((pt) => pt.n >= 1 && Number.isFinite(pt.speedup) && pt.speedup > 0);

function rmseOf(points: readonly SpeedupPoint[], model: (n: number) => number): number {
  if (points.length === 0) return Number.NaN;
  const sse = points.reduce((s, pt) => s + (pt.speedup - model(pt.n)) ** 2, 0);
  return Math.sqrt(sse / points.length);
}

/**
 * Least-squares Amdahl fit. The error is unimodal enough in p that a coarse grid followed by
 * golden-section refinement around the best cell finds the optimum to ~1e-9.
 */
export function fitAmdahl(points: readonly SpeedupPoint[]): AmdahlFit | undefined {
  const pts = usable(points);
  if (pts.length === 0 || pts.every((pt) => pt.n === 1)) return undefined;
  const sse = (p: number) => pts.reduce((s, pt) => s + (pt.speedup - amdahlBound(p, pt.n)) ** 2, 0);
  const steps = 200;
  let best = 0;
  for (let i = 1; i <= steps; i++) if (sse(i / steps) < sse(best / steps)) best = i;
  let lo = Math.max(0, (best - 1) / steps);
  let hi = Math.min(1, (best + 1) / steps);
  const phi = (Math.sqrt(5) - 1) / 2;
  for (let k = 0; k < 80; k++) {
    const a = hi - phi * (hi - lo);
    const b = lo + phi * (hi - lo);
    if (sse(a) <= sse(b)) hi = b;
    else lo = a;
  }
  const p = (lo + hi) / 2;
  return { p, rmse: rmseOf(pts, (n) => amdahlBound(p, n)) };
}

/**
 * Nonlinear least-squares USL fit with sigma, kappa >= 0: a log-spaced grid search, then a
 * compass (pattern) search with shrinking steps from the best grid point. Two parameters and
 * at most a few dozen points make this exact enough and free of dependencies.
 */
export function fitUsl(points: readonly SpeedupPoint[]): UslFit | undefined {
  const pts = usable(points);
  if (pts.length === 0 || pts.every((pt) => pt.n === 1)) return undefined;
  const sse = (s: number, k: number) =>
    pts.reduce((acc, pt) => acc + (pt.speedup - uslSpeedup(pt.n, s, k)) ** 2, 0);
  const axis = [0, ...Array.from({ length: 40 }, (_, i) => 1e-4 * 10 ** (i / 8))];
  let bs = 0;
  let bk = 0;
  let be = sse(0, 0);
  for (const s of axis) {
    for (const k of axis) {
      const e = sse(s, k);
      if (e < be) [bs, bk, be] = [s, k, e];
    }
  }
  let step = Math.max(bs, bk, 1e-3) / 2;
  while (step > 1e-10) {
    let moved = false;
    for (const [ds, dk] of [
      [step, 0],
      [-step, 0],
      [0, step],
      [0, -step],
    ] as const) {
      const s = Math.max(0, bs + ds);
      const k = Math.max(0, bk + dk);
      const e = sse(s, k);
      if (e < be - 1e-15) {
        [bs, bk, be] = [s, k, e];
        moved = true;
      }
    }
    if (!moved) step /= 2;
  }
  return { sigma: bs, kappa: bk, rmse: rmseOf(pts, (n) => uslSpeedup(n, bs, bk)) };
}

export interface GustafsonFit {
  /** Parallel fraction at scale in [0, 1]: `S(n) = (1 - p) + p n` for a workload grown with n. */
  p: number;
  rmse: number;
}

/** Gustafson's law: the scaled speedup of a workload that grows with the team. */
export function gustafsonSpeedup(p: number, n: number): number {
  return 1 - p + p * n;
}

/**
 * Least-squares Gustafson fit. `S(n) - 1 = p (n - 1)` is linear in p through the origin, so the
 * optimum is closed-form (clamped to [0, 1]).
 */
export function fitGustafson(points: readonly SpeedupPoint[]): GustafsonFit | undefined {
  const pts = usable(points);
  const xx = pts.reduce((s, pt) => s + (pt.n - 1) ** 2, 0);
  if (xx === 0) return undefined;
  const xy = pts.reduce((s, pt) => s + (pt.n - 1) * (pt.speedup - 1), 0);
  const p = Math.min(1, Math.max(0, xy / xx));
  return { p, rmse: rmseOf(pts, (n) => gustafsonSpeedup(p, n)) };
}

export interface PowerLawFit {
  /** `y = a n^b`. */
  a: number;
  /** The growth exponent: 1 linear, 2 quadratic in n. */
  b: number;
  /** Points used (those with y > 0). */
  points: number;
}

/**
 * `y = a n^b` by least squares on log y against log n (points with y > 0; at least two sizes).
 * How messages per run grow with the team: the paper saw decentralized teams' grow roughly with
 * n squared.
 */
export function fitPowerLaw(points: readonly { n: number; y: number }[]): PowerLawFit | undefined {
  const pts = points.filter((pt) => pt.n > 0 && pt.y > 0 && Number.isFinite(pt.y));
  if (new Set(pts.map((pt) => pt.n)).size < 2) return undefined;
  const xs = pts.map((pt) => Math.log(pt.n));
  const ys = pts.map((pt) => Math.log(pt.y));
  const mx = xs.reduce((a, b) => a + b, 0) / xs.length;
  const my = ys.reduce((a, b) => a + b, 0) / ys.length;
  let sxy = 0;
  let sxx = 0;
  for (let i = 0; i < xs.length; i++) {
    sxy += (xs[i]! - mx) * (ys[i]! - my);
    sxx += (xs[i]! - mx) ** 2;
  }
  const b = sxy / sxx;
  return { a: Math.exp(my - b * mx), b, points: pts.length };
}
