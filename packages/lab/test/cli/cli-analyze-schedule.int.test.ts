import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { argv, runCli } from '@llm-teams/testkit';

/**
 * A two-worker run, hand-written so every figure is known. a1 reports t0 (model 0-100) first in
 * real time and gets t2 at model 100; a2, free since model 10, reports later and gets t3 at 10:
 * t2 went out before t3 in real time but starts after it in model time, and a2 is idle from 60
 * while t2 waits until 100. A backup copy of t3 on a1 (model 150-170) loses. fin waits for all
 * four. (The checkers find fin started with no causal news of its dependencies: this trace has
 * no messages; only the metrics matter here.)
 */
function scheduleTrace(): string {
  const seq = new Map<string, number>();
  let lamport = 0;
  const ev = (actor: string, wall: number, fields: Record<string, unknown>) => {
    const s = seq.get(actor) ?? 0;
    seq.set(actor, s + 1);
    return { ...fields, actor, node: 'n1', seq: s, lamport: ++lamport, wall };
  };
  const attempt = (
    actor: string,
    taskId: string,
    [from, to]: [number, number],
    [claimWall, endWall]: [number, number],
    end: Record<string, unknown> = { phase: 'done' },
  ) => [
    ev(actor, claimWall, { kind: 'task', taskId, phase: 'claim', modelTime: from, ...backup(end) }),
    ev(actor, claimWall + 1, {
      kind: 'task',
      taskId,
      phase: 'start',
      modelTime: from,
      ...backup(end),
    }),
    ev(actor, endWall, { kind: 'task', taskId, modelTime: to, ...end }),
  ];
  const backup = (end: Record<string, unknown>) => (end['backup'] ? { backup: true } : {});
  const tasks = ['t0', 't1', 't2', 't3'].map((id) => ({ id, deps: [] as string[] }));
  const events = [
    ev('director', 900, {
      kind: 'mark',
      name: 'run.start',
      arch: 'centralized',
      agents: 2,
      tasks: [...tasks, { id: 'fin', deps: ['t0', 't1', 't2', 't3'] }],
    }),
    ...attempt('a1', 't0', [0, 100], [1000, 2000]),
    ...attempt('a2', 't1', [0, 10], [1000, 3000]),
    ...attempt('a1', 't2', [100, 150], [2100, 2600]),
    ...attempt('a2', 't3', [10, 60], [3100, 3600]),
    ...attempt('a1', 't3', [150, 170], [2700, 3650], {
      phase: 'release',
      reason: 'cancelled',
      backup: true,
    }),
    ...attempt('a2', 'fin', [150, 170], [3700, 4000]),
  ];
  return events.map((e) => JSON.stringify(e)).join('\n') + '\n';
}

describe('llm-teams analyze: the schedule breakdown', () => {
  const dir = mkdtempSync(join(tmpdir(), 'llmt-schedule-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));
  const trace = join(dir, 'trace.jsonl');
  writeFileSync(trace, scheduleTrace());

  it('measures worker time, starts out of model-time order and the ideal list schedule of the same durations', async () => {
    const out = await runCli(argv`analyze ${trace} --json`);
    expect(out.stderr).toBe('');
    const { metrics } = JSON.parse(out.stdout) as {
      metrics: { makespanModelMs: number; schedule: Record<string, unknown> };
    };
    expect(metrics.makespanModelMs).toBe(170);
    const total = 2 * 170;
    expect(metrics.schedule).toEqual({
      shares: {
        work: 230 / total,
        wastedCopies: 20 / total,
        wastedBackups: 20 / total,
        idle: 90 / total,
        // a2 was free from 60 while t2 waited until 100.
        idleWhileReady: 40 / total,
        clockJumps: 0,
      },
      // t0, t1 at 0; t2 on the first free (10-60); t3 on the next (60-110); fin 110-130.
      listScheduleModelMs: 130,
      listScheduleEfficiency: 130 / 170,
      outOfOrderStarts: 1,
      starts: 5,
      reassignWallMs: { mean: 100, max: 100 },
    });
  });

  it('prints the breakdown with the other metrics', async () => {
    const out = await runCli(argv`analyze ${trace}`);
    expect(out.stdout).toContain(
      "schedule: workers' model time 68% work, 6% wasted copies (6% backups), 26% idle " +
        '(12% while a task was ready, 0% clock jumps); 1/5 starts out of model-time order; ' +
        'reassignment 100 ms real (max 100)',
    );
    expect(out.stdout).toContain(
      'ideal list schedule of these durations: 0.1 s model time (this run reached 0.76 of it)',
    );
  });
});
