import { describe, expect, it } from 'vitest';
import { summarizeSweep } from '@llm-teams/lab';
import { fakeRecord } from './synthetic-records.js';

describe('summarizeSweep: the schedule breakdown per cell', () => {
  it('averages the schedule figures of the reps; a record written before they were measured counts as none', () => {
    const scheduled = (seed: string, efficiency: number, idleWhileReady: number) => {
      const r = fakeRecord({ n: 4, seed, makespanMs: 500 });
      r.metrics.schedule = {
        ...r.metrics.schedule,
        shares: { ...r.metrics.schedule.shares, idleWhileReady, wastedCopies: 0.1 },
        listScheduleEfficiency: efficiency,
        outOfOrderStarts: 5,
        starts: 20,
      };
      return r;
    };
    const old = fakeRecord({ n: 4, seed: 's2', makespanMs: 500 });
    delete (old.metrics as { schedule?: unknown }).schedule;
    const s = summarizeSweep([
      fakeRecord({ n: 1, seed: 's0', makespanMs: 1000 }),
      fakeRecord({ n: 1, seed: 's1', makespanMs: 1000 }),
      fakeRecord({ n: 1, seed: 's2', makespanMs: 1000 }),
      scheduled('s0', 0.8, 0.02),
      scheduled('s1', 0.9, 0.04),
      old,
    ]);
    const cell = s.cells.find((c) => c.n === 4)!;
    expect(cell.schedule.listScheduleEfficiency.mean).toBeCloseTo(0.85);
    expect(cell.schedule.listScheduleEfficiency.n).toBe(2);
    expect(cell.schedule.idleWhileReady.mean).toBeCloseTo(0.03);
    expect(cell.schedule.wastedCopies.mean).toBeCloseTo(0.1);
    expect(cell.schedule.outOfOrderStarts.mean).toBeCloseTo(0.25);
  });
});
