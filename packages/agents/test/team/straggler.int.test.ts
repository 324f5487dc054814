import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { runTeam, type TeamRunOptions } from '@llm-teams/agents';
import { createMemoryTrace, type TraceEvent } from '@llm-teams/runtime';
import { tinySuite, useNats } from '@llm-teams/testkit';

type TaskEvent = TraceEvent & { kind: 'task'; modelTime: number };

/** Mean model-time duration of a task, start to done, over a run. */
function meanTaskDuration(events: TraceEvent[]): number {
  const starts = new Map<string, number>();
  const durations: number[] = [];
  for (const e of events) {
    if (e.kind !== 'task') continue;
    const t = e as TaskEvent;
    if (t.phase === 'start') starts.set(`${t.actor}/${t.taskId}`, t.modelTime);
    if (t.phase === 'done')
      durations.push(t.modelTime - (starts.get(`${t.actor}/${t.taskId}`) ?? t.modelTime));
  }
  return durations.reduce((a, b) => a + b, 0) / durations.length;
}

describe('stragglers', () => {
  const nats = useNats({ before: beforeEach, after: afterEach });

  // A team with spare capacity (5 agents, 8 independent tasks): what a straggler costs is then
  // the wait for its task, which backups remove. (With no spare capacity a 10x slower agent also
  // costs its share of the throughput, which no backup can give back.)
  const options = (
    trace: ReturnType<typeof createMemoryTrace>,
    slow: boolean,
    backups: boolean,
  ): TeamRunOptions => ({
    nc: nats.nc,
    suite: tinySuite({ n: 8, chain: 1 }),
    arch: 'centralized',
    agents: 5,
    // Gemini's calibrated latencies have the lightest tail: a normal task seldom looks late.
    model: 'sim:gemini-3-flash-preview',
    seed: 21,
    // Large enough that pacing, not this machine's load, decides the interleaving.
    timeScale: 0.05,
    trace,
    deadlineMs: 120_000,
    coordinator: { backups, stragglerFactor: 2, stragglerMinMs: 100 },
    modelOptions: {
      sim: {
        mistakeRate: 0,
        ...(slow
          ? {
              faults: (c) =>
                c.agentId === 'a2' ? { kind: 'latency_multiplier', factor: 10 } : undefined,
            }
          : {}),
      },
    },
  });

  it('one agent 10x slower delays a centralized run by less than the straggler threshold (two tasks), thanks to backups', async () => {
    const baseTrace = createMemoryTrace();
    const baseline = await runTeam(options(baseTrace, false, true));
    const slowTrace = createMemoryTrace();
    const slowed = await runTeam(options(slowTrace, true, true));
    const unprotected = await runTeam(options(createMemoryTrace(), true, false));
    for (const r of [baseline, slowed, unprotected]) expect(r.status, r.reason).toBe('completed');
    const task = meanTaskDuration(baseTrace.events);
    const backups = slowTrace.events.filter(
      (e): e is TaskEvent => e.kind === 'task' && e.phase === 'claim' && e['backup'] === true,
    );
    expect(backups.length).toBeGreaterThan(0);
    // A backup copy works on private files: none of its writes reach the workspace unless it
    // wins, and then the workspace ends with the winner's version of every file.
    type ToolEvent = TraceEvent & { kind: 'tool'; path?: string; rev?: number };
    const writes = slowTrace.events.filter(
      (e): e is ToolEvent => e.kind === 'tool' && e.name === 'write_file' && e.outcome === 'ok',
    );
    for (const b of backups) {
      const own = writes.filter((w) => w.actor === b.actor && w['taskId'] === b.taskId);
      for (const w of own) expect(w['private'] === true || w['published'] === true).toBe(true);
    }
    const winners = slowTrace.events.filter(
      (e): e is TaskEvent => e.kind === 'task' && e.phase === 'done',
    );
    let wonByBackup = 0;
    for (const done of winners) {
      const wasBackup = backups.some((b) => b.actor === done.actor && b.taskId === done.taskId);
      if (!wasBackup) continue;
      wonByBackup++;
      const shared = writes.filter((w) => w['taskId'] === done.taskId && w.rev !== undefined);
      const last = new Map(shared.map((w) => [w.path, w]));
      for (const w of last.values()) expect(w.actor, `${w.path} last written`).toBe(done.actor);
    }
    expect(wonByBackup).toBeGreaterThan(0);
    // A copy starts once the slow task has run stragglerFactor (2) median durations by a spare
    // worker's clock (docs/design-notes.md): the straggler costs less than that wait.
    expect(slowed.makespanModelMs - baseline.makespanModelMs).toBeLessThan(2 * task);
    // Without backups the same straggler costs several tasks' worth.
    expect(unprotected.makespanModelMs - baseline.makespanModelMs).toBeGreaterThan(3 * task);
  });
});
