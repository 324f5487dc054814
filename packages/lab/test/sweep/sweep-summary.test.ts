import { describe, expect, it } from 'vitest';
import { amdahlBound, summarizeSweep } from '@llm-teams/lab';
import { systemClock } from '@llm-teams/runtime';
import { fakeRecord } from './synthetic-records.js';

describe('summarizeSweep', () => {
  it('speedup, work-span bound and token multiplier against the same-arch, same-seed n = 1 run', () => {
    const records = [
      fakeRecord({ n: 1, seed: 's0', makespanMs: 1000, spanMs: 400, tokens: 100 }),
      fakeRecord({ n: 1, seed: 's1', makespanMs: 2000, spanMs: 500, tokens: 200 }),
      fakeRecord({ n: 4, seed: 's0', makespanMs: 500, tokens: 110 }),
      fakeRecord({ n: 4, seed: 's1', makespanMs: 800, tokens: 220 }),
    ];
    const s = summarizeSweep(records);
    const cell = s.cells.find((c) => c.n === 4)!;
    expect(cell.speedup.mean).toBeCloseTo((2 + 2.5) / 2);
    expect(cell.speedup.n).toBe(2);
    // min(4, 1000/400 = 2.5) and min(4, 2000/500 = 4)
    expect(cell.workSpanBound.mean).toBeCloseTo((2.5 + 4) / 2);
    expect(cell.amdahlBound).toBeCloseTo(amdahlBound(0.5, 4));
    expect(cell.efficiencyWorkSpan).toBeCloseTo(2.25 / 3.25);
    expect(cell.tokenMultiplier.mean).toBeCloseTo(1.1);
    expect(cell.speedupPerTokenMultiplier).toBeCloseTo((2 / 1.1 + 2.5 / 1.1) / 2);
    expect(cell.baselines).toEqual({ 'same-arch': 2 });
    const one = s.cells.find((c) => c.n === 1)!;
    expect(one.speedup.mean).toBe(1);
    expect(s.runs).toBe(4);
    expect(s.completedRuns).toBe(4);
  });

  it('stamps generatedAt on the clock it is given', () => {
    const clock = { ...systemClock, now: () => Date.UTC(2030, 0, 2, 3, 4, 5) };
    expect(summarizeSweep([fakeRecord({ n: 1, makespanMs: 1 })], clock).generatedAt).toBe(
      '2030-01-02T03:04:05.000Z',
    );
  });

  it('falls back to the single run of the same seed, then to the pooled n = 1 runs', () => {
    const s = summarizeSweep([
      fakeRecord({ arch: 'single', n: 1, seed: 's0', makespanMs: 900, tokens: 90 }),
      fakeRecord({ arch: 'decentralized', n: 3, seed: 's0', makespanMs: 300 }),
      fakeRecord({ arch: 'decentralized', n: 3, seed: 'other', makespanMs: 450 }),
    ]);
    const cell = s.cells.find((c) => c.arch === 'decentralized')!;
    expect(cell.baselines).toEqual({ single: 1, pooled: 1 });
    expect(cell.speedup.mean).toBeCloseTo((3 + 2) / 2);
  });

  it('leaves runs that did not complete out of the means, and counts them', () => {
    const s = summarizeSweep([
      fakeRecord({ n: 1, makespanMs: 1000 }),
      fakeRecord({ n: 2, makespanMs: 500 }),
      fakeRecord({ n: 2, seed: 'x', makespanMs: 50, status: 'deadline' }),
    ]);
    const cell = s.cells.find((c) => c.n === 2)!;
    expect(cell.runs).toBe(2);
    expect(cell.completed).toBe(1);
    expect(cell.speedup.mean).toBe(2);
    expect(s.incomplete).toEqual({ deadline: 1 });
  });

  it('no baseline: speedup is not a number', () => {
    const cell = summarizeSweep([fakeRecord({ n: 3, makespanMs: 100 })]).cells[0]!;
    expect(Number.isNaN(cell.speedup.mean)).toBe(true);
    expect(cell.speedup.n).toBe(0);
  });

  it('fits Amdahl and USL per curve and measures message growth per agent', () => {
    const p = 0.8;
    const records = [1, 2, 3, 4, 5].map((n) =>
      fakeRecord({
        n,
        makespanMs: 1000 / amdahlBound(p, n),
        messages: { 'task.assign': 20, 'peer.msg': 4 * n },
      }),
    );
    const [curve] = summarizeSweep(records).curves;
    expect(curve!.points.map((pt) => pt.n)).toEqual([1, 2, 3, 4, 5]);
    expect(curve!.amdahl!.p).toBeCloseTo(p, 4);
    expect(curve!.usl).toBeDefined();
    expect(curve!.messageGrowthPerAgent).toBeCloseTo(4);
    expect(curve!.messageGrowthByType).toEqual({ 'peer.msg': 4, 'task.assign': 0 });
  });

  it('a later record of a key replaces an earlier one', () => {
    const s = summarizeSweep([
      fakeRecord({ n: 1, makespanMs: 1000 }),
      fakeRecord({ n: 2, makespanMs: 800 }),
      fakeRecord({ n: 2, makespanMs: 500 }),
    ]);
    expect(s.runs).toBe(2);
    expect(s.cells.find((c) => c.n === 2)!.speedup.mean).toBe(2);
  });

  it('scaled workloads: speedup is work over makespan, tokens per copy, Gustafson fitted', () => {
    // n copies of a 100 s workload; a perfect team would take 100 s at every n.
    const runs = [1, 2, 4].map((n) =>
      fakeRecord({
        n,
        workload: 'scaled',
        makespanMs: 100_000 + 20_000 * (n - 1),
        taskMs: Object.fromEntries(Array.from({ length: n }, (_, i) => [`t-c${i + 1}`, 100_000])),
        tokens: 1000 * n,
        spanMs: 10_000,
      }),
    );
    const fixed = fakeRecord({ n: 1, makespanMs: 100_000, tokens: 1000 });
    const s = summarizeSweep([...runs, fixed]);
    const scaled = s.cells.filter((c) => c.workload === 'scaled');
    expect(scaled.map((c) => [c.n, Number(c.speedup.mean.toFixed(3))])).toEqual([
      [1, 1],
      [2, 1.667],
      [4, 2.5],
    ]);
    expect(scaled.every((c) => Math.abs(c.tokenMultiplier.mean - 1) < 1e-9)).toBe(true);
    const curve = s.curves.find((c) => c.workload === 'scaled')!;
    expect(curve.gustafson!.p).toBeGreaterThan(0.4);
    expect(curve.gustafson!.p).toBeLessThan(0.6);
    // The fixed n = 1 run is its own curve, with no Gustafson fit.
    expect(s.curves.find((c) => c.workload === 'fixed')!.gustafson).toBeUndefined();
  });

  it('model mixes are cells of their own, with their own n = 1 baseline', () => {
    const mix = { coord1: 'sim:gpt-5.2' };
    const s = summarizeSweep([
      fakeRecord({ n: 1, makespanMs: 100 }),
      fakeRecord({ n: 2, makespanMs: 50 }),
      fakeRecord({ n: 1, makespanMs: 200, models: mix }),
      fakeRecord({ n: 2, makespanMs: 50, models: mix }),
    ]);
    const at2 = s.cells.filter((c) => c.n === 2).map((c) => [c.mix ?? 'plain', c.speedup.mean]);
    expect(at2).toEqual(
      expect.arrayContaining([
        ['plain', 2],
        ['coord1=sim:gpt-5.2', 4],
      ]),
    );
    expect(s.curves).toHaveLength(2);
  });

  it('fits the growth exponent of messages per run against n, per architecture', () => {
    const s = summarizeSweep(
      [1, 2, 3, 4, 5].flatMap((n) => [
        fakeRecord({ n, arch: 'centralized', makespanMs: 100, messages: { m: 10 * n } }),
        fakeRecord({ n, arch: 'decentralized', makespanMs: 100, messages: { m: 3 * n * n } }),
      ]),
    );
    const b = Object.fromEntries(s.messageGrowth.map((g) => [g.arch, g.fit.b]));
    expect(b['centralized']).toBeCloseTo(1, 6);
    expect(b['decentralized']).toBeCloseTo(2, 6);
    expect(s.curves.find((c) => c.arch === 'decentralized')!.messagePowerLaw!.b).toBeCloseTo(2, 6);
  });
});
