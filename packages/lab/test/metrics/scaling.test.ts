import { describe, expect, it } from 'vitest';
import {
  amdahlBound,
  criticalPathModelMs,
  fitAmdahl,
  fitGustafson,
  fitPowerLaw,
  fitUsl,
  gustafsonSpeedup,
  meanCi,
  tCritical95,
  uslSpeedup,
  workSpanBound,
} from '@llm-teams/lab';

describe('bounds', () => {
  it('Amdahl: 1 / ((1 - p) + p / n)', () => {
    expect(amdahlBound(0.9, 1)).toBeCloseTo(1);
    expect(amdahlBound(0.9, 5)).toBeCloseTo(1 / (0.1 + 0.18));
    expect(amdahlBound(0.5, 5)).toBeCloseTo(1 / 0.6);
    expect(amdahlBound(1, 4)).toBeCloseTo(4);
  });

  it('work-span: min(n, T1 / T_inf)', () => {
    expect(workSpanBound(5, 2000, 100)).toBe(5);
    expect(workSpanBound(5, 2000, 1000)).toBe(2);
    expect(workSpanBound(3, 2000, 0)).toBe(3);
  });

  it('critical path in model time weights each task by its measured duration', () => {
    // a -> c, b -> c: the heavier branch is b (300) then c (50).
    const tasks = [
      { id: 'a', deps: [] },
      { id: 'b', deps: [] },
      { id: 'c', deps: ['a', 'b'] },
      { id: 'd', deps: [] },
    ];
    expect(criticalPathModelMs(tasks, { a: 100, b: 300, c: 50, d: 320 })).toBe(350);
    expect(criticalPathModelMs(tasks, { a: 100, b: 300, c: 50, d: 400 })).toBe(400);
    // A task never measured weighs nothing.
    expect(criticalPathModelMs(tasks, { a: 10 })).toBe(10);
    expect(criticalPathModelMs([], {})).toBe(0);
  });
});

describe('fits', () => {
  const ns = [1, 2, 3, 4, 5, 8];

  it('Amdahl fit recovers p from exact curves', () => {
    for (const p of [0.2, 0.5, 0.9, 0.97]) {
      const fit = fitAmdahl(ns.map((n) => ({ n, speedup: amdahlBound(p, n) })));
      expect(fit?.p).toBeCloseTo(p, 6);
      expect(fit?.rmse).toBeLessThan(1e-6);
    }
  });

  it('Amdahl fit stays in [0, 1] for super- and sub-unit speedups', () => {
    expect(fitAmdahl(ns.map((n) => ({ n, speedup: n * 1.2 })))?.p).toBeCloseTo(1, 6);
    expect(fitAmdahl(ns.map((n) => ({ n, speedup: 1 / n })))?.p).toBeCloseTo(0, 6);
  });

  it('Amdahl fit of noisy data lands near the truth', () => {
    const noise = [0.03, -0.02, 0.01, -0.04, 0.02, -0.01];
    const fit = fitAmdahl(
      ns.map((n, i) => ({ n, speedup: amdahlBound(0.8, n) * (1 + noise[i]!) })),
    );
    expect(fit!.p).toBeGreaterThan(0.75);
    expect(fit!.p).toBeLessThan(0.85);
  });

  it('USL fit recovers sigma and kappa', () => {
    for (const [sigma, kappa] of [
      [0.05, 0.01],
      [0.3, 0],
      [0, 0.02],
      [0.1, 0.001],
    ] as const) {
      const fit = fitUsl(ns.map((n) => ({ n, speedup: uslSpeedup(n, sigma, kappa) })));
      expect(fit!.sigma).toBeCloseTo(sigma, 4);
      expect(fit!.kappa).toBeCloseTo(kappa, 4);
      expect(fit!.rmse).toBeLessThan(1e-4);
    }
  });

  it('USL with sigma = kappa = 0 is linear speedup', () => {
    const fit = fitUsl(ns.map((n) => ({ n, speedup: n })));
    expect(fit!.sigma).toBeCloseTo(0, 6);
    expect(fit!.kappa).toBeCloseTo(0, 6);
  });

  it('no fit without a point beyond n = 1', () => {
    expect(fitAmdahl([{ n: 1, speedup: 1 }])).toBeUndefined();
    expect(fitUsl([])).toBeUndefined();
    expect(fitUsl([{ n: 2, speedup: Number.NaN }])).toBeUndefined();
  });
  it('Gustafson fit recovers p from exact scaled speedups, clamped to [0, 1]', () => {
    const pts = [1, 2, 3, 5, 8].map((n) => ({ n, speedup: gustafsonSpeedup(0.7, n) }));
    expect(fitGustafson(pts)!.p).toBeCloseTo(0.7, 9);
    expect(fitGustafson(pts)!.rmse).toBeCloseTo(0, 9);
    expect(fitGustafson([{ n: 4, speedup: 9 }])!.p).toBe(1);
    expect(fitGustafson([{ n: 1, speedup: 1 }])).toBeUndefined();
  });

  it('power-law fit: the exponent of y = a n^b', () => {
    const fit = fitPowerLaw([1, 2, 3, 4, 5].map((n) => ({ n, y: 3 * n ** 2 })))!;
    expect(fit.b).toBeCloseTo(2, 9);
    expect(fit.a).toBeCloseTo(3, 9);
    // Zero messages (n = 1 of a decentralized team) have no logarithm: left out.
    expect(
      fitPowerLaw([
        { n: 1, y: 0 },
        { n: 2, y: 4 },
        { n: 4, y: 16 },
      ])!.points,
    ).toBe(2);
    expect(fitPowerLaw([{ n: 2, y: 4 }])).toBeUndefined();
  });
});

describe('statistics', () => {
  it('mean and Student-t 95% interval', () => {
    const m = meanCi([1, 2, 3]);
    expect(m.mean).toBe(2);
    // sd = 1, t(2) = 4.303, half-width = 4.303 / sqrt(3)
    expect(m.ci95).toBeCloseTo(4.303 / Math.sqrt(3), 6);
    expect(m.n).toBe(3);
  });

  it('ignores non-finite values; one value has no interval', () => {
    expect(meanCi([5, Number.NaN])).toEqual({ mean: 5, ci95: 0, n: 1 });
    expect(meanCi([]).n).toBe(0);
    expect(tCritical95(1)).toBeCloseTo(12.706);
    expect(tCritical95(1000)).toBeCloseTo(1.96);
  });
});
