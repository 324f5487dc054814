import { describe, expect, it } from 'vitest';
import type { ScheduleDeviation } from '@llm-teams/runtime';
import { shrinkSchedule, type ScheduledRunOutcome } from '@llm-teams/lab';

/** A deviation "b's n-th step before a's": conflicting on one key when `conflict`. */
function dev(n: number, conflict = true, action?: 'drop'): ScheduleDeviation {
  return {
    index: n,
    fallback: `a#${n} put kv/${conflict ? 'x' : `a${n}`}`,
    step: `b#${n} put kv/${conflict ? 'x' : `b${n}`}`,
    ...(action ? { action } : {}),
  };
}

/** The parts of an outcome the shrinker reads. */
function outcome(
  deviations: readonly ScheduleDeviation[],
  failed: boolean,
  failureStep?: number,
): ScheduledRunOutcome {
  return {
    failed,
    failures: failed ? ['duplicate-completion'] : [],
    deviations: [...deviations],
    failureStep,
    end: { reason: 'stopped', steps: 100 },
  } as unknown as ScheduledRunOutcome;
}

/** A system whose failure needs the deviations numbered `needed` (and no others matter). */
function system(needed: number[], options: { failureStep?: number } = {}) {
  const tried: number[][] = [];
  return {
    tried,
    run: (devs: readonly ScheduleDeviation[]) => {
      tried.push(devs.map((d) => d.index));
      const have = new Set(devs.map((d) => d.index));
      return Promise.resolve(
        outcome(
          devs,
          needed.every((n) => have.has(n)),
          options.failureStep,
        ),
      );
    },
    keeps: (o: ScheduledRunOutcome) => o.failed,
  };
}

describe('shrinking a failing schedule', () => {
  it('finds the few deviations a failure needs among many (1-minimal)', async () => {
    const all = Array.from({ length: 60 }, (_, i) => dev(i, i % 3 === 0));
    const s = system([6, 21, 45]);
    const r = await shrinkSchedule(outcome(all, true), { ...s, concurrency: 4 });
    expect(r.outcome.deviations.map((d) => d.index)).toEqual([6, 21, 45]);
    expect(r.minimal).toBe(true);
    expect(r.runs).toBeLessThan(80);
  });

  it('returns the default order when the failure needs no deviation', async () => {
    const s = system([]);
    const r = await shrinkSchedule(outcome([dev(1), dev(2)], true), s);
    expect(r.outcome.deviations).toEqual([]);
    expect(s.tried).toEqual([[]]);
  });

  it('first cuts what came after the failure', async () => {
    const all = Array.from({ length: 10 }, (_, i) => dev(i));
    const s = system([2], { failureStep: 4 });
    await shrinkSchedule(outcome(all, true, 4), s);
    expect(s.tried[0]).toEqual([0, 1, 2, 3, 4]);
  });

  it('keeps a reordering but not its drop when the drop is not needed', async () => {
    // This failure needs message 3 reordered; whether it is also lost does not matter.
    const s = system([3]);
    const r = await shrinkSchedule(outcome([dev(3, true, 'drop'), dev(8)], true), s);
    expect(r.outcome.deviations).toEqual([{ ...dev(3), action: undefined }]);
    expect(s.tried.at(-1)).toEqual([3]);
  });

  it('stays within its run budget and says whether it got to 1-minimal', async () => {
    const all = Array.from({ length: 40 }, (_, i) => dev(i));
    const s = system([1, 9, 17, 33]);
    const r = await shrinkSchedule(outcome(all, true), { ...s, maxRuns: 6, concurrency: 2 });
    expect(r.runs).toBeLessThanOrEqual(6);
    expect(s.tried.length).toBe(r.runs);
    expect(r.minimal).toBe(false);
  });

  it('does the same whatever the concurrency', async () => {
    const all = Array.from({ length: 30 }, (_, i) => dev(i, i % 2 === 0));
    const results = [];
    for (const concurrency of [1, 3, 8]) {
      const r = await shrinkSchedule(outcome(all, true), { ...system([4, 11]), concurrency });
      results.push(r.outcome.deviations.map((d) => d.index));
    }
    expect(results).toEqual([
      [4, 11],
      [4, 11],
      [4, 11],
    ]);
  });
});
