import { describe, expect, it } from 'vitest';
import { summarizeSweep, type RunSpec } from '@llm-teams/lab';
import { fakeRecord, type FakeRun } from './synthetic-records.js';

// The baselines are architectures of their own; records of them are all the summary needs.
const run = (r: Omit<FakeRun, 'arch'> & { arch: string }) =>
  fakeRecord({ ...r, arch: r.arch as RunSpec['arch'], p: 0.9 });

describe("comparison with the paper's harness", () => {
  const records = ['1-r0', '1-r1'].flatMap((seed, i) => [
    // n = 1 baselines of each architecture (same seed, same draws: the same T1).
    ...['centralized', 'decentralized', 'rounds', 'rounds-claim'].map((arch) =>
      run({ arch, n: 1, seed, makespanMs: 1000, tokens: 1000 }),
    ),
    run({ arch: 'centralized', n: 4, seed, makespanMs: 300 + 20 * i, tokens: 1050 }),
    run({ arch: 'rounds', n: 4, seed, makespanMs: 600, tokens: 2100 }),
    run({ arch: 'decentralized', n: 4, seed, makespanMs: 320, tokens: 1000 }),
    run({ arch: 'rounds-claim', n: 4, seed, makespanMs: 900, tokens: 3000 }),
  ]);

  it('pairs each of ours with its baseline seed by seed: speedup over it and token ratio', () => {
    const s = summarizeSweep(records);
    const c = s.comparisons.find((x) => x.arch === 'centralized' && x.n === 4)!;
    expect(c.baseline).toBe('rounds');
    expect(c.speedupOverBaseline.mean).toBeCloseTo((600 / 300 + 600 / 320) / 2, 9);
    expect(c.tokenRatio.mean).toBeCloseTo(0.5, 9);
    expect(c.baselineCell.speedup).toBeCloseTo(1000 / 600, 9);
    // The paper's centralized-preassigned Claude cell at p = 0.9, n = 4.
    expect(c.paper!.speedup).toBeCloseTo(62 / 21.2, 6);
    const d = s.comparisons.find((x) => x.arch === 'decentralized' && x.n === 4)!;
    expect(d.baseline).toBe('rounds-claim');
    expect(d.speedupOverBaseline.mean).toBeCloseTo(900 / 320, 9);
    // n = 1 pairs too; nothing pairs a baseline with itself.
    expect(s.comparisons.map((x) => x.arch).sort()).toEqual([
      'centralized',
      'centralized',
      'decentralized',
      'decentralized',
    ]);
  });

  it("says which of the paper's findings the baselines reproduce, and what ours do", () => {
    const byId = Object.fromEntries(summarizeSweep(records).findings.map((f) => [f.id, f]));
    // rounds 1.67 and rounds-claim 1.11 at n = 4 are below Amdahl's 3.08 (p = 0.9).
    expect(byId['below-amdahl']!.reproduced).toBe(true);
    expect(byId['claim-below-preassign']!.reproduced).toBe(true);
    expect(byId['claim-below-preassign']!.baseline).toMatch(/^rounds-claim reaches 0\.67x/);
    expect(byId['tokens-grow']!.reproduced).toBe(true);
    expect(byId['tokens-grow']!.ours).toMatch(/token multiplier at n = 4: 1\.02 \(1\.52 less\)/);
  });

  it('without baseline runs there is nothing to compare, and no finding is claimed', () => {
    const s = summarizeSweep(records.filter((r) => !r.spec.arch.startsWith('rounds')));
    expect(s.comparisons).toEqual([]);
    expect(s.findings.every((f) => f.reproduced === undefined)).toBe(true);
  });
});
