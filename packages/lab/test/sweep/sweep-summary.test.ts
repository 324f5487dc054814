import { describe, expect, it } from 'vitest';
import { amdahlBound, summarizeSweep } from '@llm-teams/lab';
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
});
