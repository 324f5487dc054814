import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { runTeam, type RunningTeam, type TeamRunOptions } from '@llm-teams/agents';
import type { TraceEvent, TraceSink } from '@llm-teams/runtime';
import { tinyTeamRun, tinySuite, useNats, watchedTrace } from '@llm-teams/testkit';

type TaskEvent = TraceEvent & { kind: 'task' };
type ToolEvent = TraceEvent & { kind: 'tool' };

const doneEvents = (events: TraceEvent[]) =>
  events.filter((e): e is TaskEvent => e.kind === 'task' && e.phase === 'done');

/** Invariants every run must keep, checked on its trace. `unrecorded` names paths whose first
 *  write may be missing from the trace: a worker killed between its workspace write and the
 *  trace event (a real process crash loses that tail too). Such a path's first recorded write
 *  must still come after the kill and build on a revision nobody recorded. */
function checkInvariants(events: TraceEvent[], taskCount: number, unrecorded: string[] = []): void {
  // Each task completed exactly once.
  const done = doneEvents(events);
  expect(done.map((e) => e.taskId).sort()).toEqual([...new Set(done.map((e) => e.taskId))].sort());
  expect(done).toHaveLength(taskCount);
  // No lost update: per path, every successful write replaced the revision just before it.
  const writes = events.filter(
    (e): e is ToolEvent => e.kind === 'tool' && e.name === 'write_file' && e.rev !== undefined,
  );
  const byPath = new Map<string, ToolEvent[]>();
  for (const w of writes) byPath.set(w.path!, [...(byPath.get(w.path!) ?? []), w]);
  for (const [path, ws] of byPath) {
    const sorted = [...ws].sort((a, b) => a.rev! - b.rev!);
    if (unrecorded.includes(path) && sorted[0]!.baseRev !== 0) {
      const killAt = events.findIndex((e) => e.kind === 'fault' && e.fault === 'kill');
      expect(killAt, `${path}: a gap without a kill`).toBeGreaterThanOrEqual(0);
      expect(events.indexOf(sorted[0]!), `${path}: gap before the kill`).toBeGreaterThan(killAt);
      expect(sorted[0]!.baseRev, `${path} first write`).toBeLessThan(sorted[0]!.rev!);
    } else expect(sorted[0]!.baseRev, `${path} first write`).toBe(0);
    for (let i = 1; i < sorted.length; i++)
      expect(sorted[i]!.baseRev, `${path} write ${i}`).toBe(sorted[i - 1]!.rev);
  }
}

describe('team protocols under failure', () => {
  const nats = useNats({ before: beforeEach, after: afterEach });

  const base = (trace: TraceSink): TeamRunOptions => ({
    nc: nats.nc,
    ...tinyTeamRun({ n: 8, chain: 4, agents: 3, seed: 7, timeScale: 0.002 }),
    trace,
    deadlineMs: 90_000,
    failureDetection: { kind: 'timeout', heartbeatMs: 50, timeoutMs: 400 },
    coordinator: { leaseMs: 600 },
  });

  it('a standby coordinator takes over when the leader dies, and completed work is not redone', async () => {
    const t = watchedTrace();
    let killed: Promise<void> | undefined;
    const result = await runTeam({
      ...base(t),
      onStarted: (team: RunningTeam) => {
        killed = t.when((ev) => doneEvents(ev).length >= 2).then(() => team.kill('coord1'));
      },
    });
    await killed;
    expect(result.status, result.reason).toBe('completed');
    const elected = t.events
      .filter((e) => e.kind === 'mark' && e.name === 'leader.elected')
      .map((e) => e.actor);
    expect(elected).toEqual(['coord1', 'coord2']);
    checkInvariants(t.events, 8);
    // Tasks done before the failover were not started again afterwards.
    const killAt = t.events.findIndex((e) => e.kind === 'fault' && e.fault === 'kill');
    const doneBefore = new Set(doneEvents(t.events.slice(0, killAt)).map((e) => e.taskId));
    const startedAfter = t.events
      .slice(killAt)
      .filter((e): e is TaskEvent => e.kind === 'task' && e.phase === 'start');
    for (const s of startedAfter)
      expect(doneBefore.has(s.taskId), `${s.taskId} restarted`).toBe(false);
  });

  it("a killed worker's task is re-assigned and the run completes", async () => {
    const t = watchedTrace();
    let victim: { agent: string; task: string } | undefined;
    let killed: Promise<void> | undefined;
    const result = await runTeam({
      ...base(t),
      // Without backups only the failure detector can free the task.
      coordinator: { leaseMs: 600, backups: false },
      onStarted: (team) => {
        killed = t
          .when((ev) =>
            ev.some((e) => e.kind === 'task' && e.phase === 'start' && e.actor === 'a2'),
          )
          .then(async () => {
            const start = t.events.find(
              (e): e is TaskEvent => e.kind === 'task' && e.phase === 'start' && e.actor === 'a2',
            )!;
            victim = { agent: 'a2', task: start.taskId };
            await team.kill('a2');
          });
      },
    });
    await killed;
    expect(result.status, result.reason).toBe('completed');
    expect(victim).toBeDefined();
    expect(
      t.events.some(
        (e) => e.kind === 'mark' && e.name === 'worker.suspected' && e['worker'] === 'a2',
      ),
    ).toBe(true);
    const finisher = doneEvents(t.events).find((e) => e.taskId === victim!.task)!;
    expect(finisher.actor).not.toBe('a2');
    const victimFiles = base(t).suite.tasks.find((x) => x.id === victim!.task)!.files;
    checkInvariants(t.events, 8, victimFiles);
  });

  it('a crashed worker is restarted by its supervisor from its checkpoint and does not redo finished work', async () => {
    const t = watchedTrace();
    let crashed: Promise<void> | undefined;
    const result = await runTeam({
      ...base(t),
      onStarted: (team) => {
        // Crash a2 once it has finished a task and started another: in-memory state is lost.
        crashed = t
          .when((ev) => {
            const lane = ev.filter((e): e is TaskEvent => e.kind === 'task' && e.actor === 'a2');
            return lane.some((e) => e.phase === 'done') && lane.at(-1)?.phase === 'start';
          })
          .then(() => team.actor('a2')!.crash('injected crash'));
      },
    });
    await crashed;
    expect(result.status, result.reason).toBe('completed');
    const marks = t.events
      .filter((e) => e.kind === 'mark' && e.actor === 'a2')
      .map((e) => (e as { name: string }).name);
    expect(marks).toContain('actor.crashed');
    expect(marks).toContain('actor.restarted');
    const restarted = t.events.find(
      (e): e is TraceEvent & { kind: 'mark' } =>
        e.kind === 'mark' && e.actor === 'a2' && e.name === 'actor.restarted',
    )!;
    expect(restarted['fromCheckpoint']).toBe(true);
    checkInvariants(t.events, 8);
    // What a2 finished before the crash it never starts again.
    const crashAt = t.events.findIndex(
      (e) => e.kind === 'mark' && e.actor === 'a2' && e.name === 'actor.crashed',
    );
    const doneBefore = new Set(
      doneEvents(t.events.slice(0, crashAt))
        .filter((e) => e.actor === 'a2')
        .map((e) => e.taskId),
    );
    const startsAfter = t.events
      .slice(crashAt)
      .filter((e): e is TaskEvent => e.kind === 'task' && e.phase === 'start');
    for (const s of startsAfter) expect(doneBefore.has(s.taskId), `${s.taskId} redone`).toBe(false);
  });

  it('decentralized agents never start a task before their dependencies are done', async () => {
    const t = watchedTrace();
    const suite = tinySuite({ n: 8, chain: 5 });
    const result = await runTeam({
      ...base(t),
      suite,
      arch: 'decentralized',
      agents: 4,
      seed: 11,
    });
    expect(result.status, result.reason).toBe('completed');
    checkInvariants(t.events, 8);
    // Each start is preceded, in its agent's lane, by a board read that observed every
    // dependency's completion: a revision at or after the write that marked it done.
    const doneRev = new Map<string, number>();
    for (const e of t.events) {
      if (e.kind === 'tool' && e.name === 'board.complete' && typeof e['kvWrite'] === 'string') {
        doneRev.set(String(e.taskId), Number(/@(\d+)$/.exec(e['kvWrite'])![1]));
      }
    }
    const deps = new Map(suite.tasks.map((x) => [x.id, x.deps]));
    for (const start of t.events.filter(
      (e): e is TaskEvent => e.kind === 'task' && e.phase === 'start',
    )) {
      const lane = t.events.filter((e) => e.actor === start.actor && e.seq < start.seq);
      const read = [...lane]
        .reverse()
        .find(
          (e): e is ToolEvent =>
            e.kind === 'tool' && e.name === 'board.read' && e.taskId === start.taskId,
        );
      const needed = deps.get(start.taskId) ?? [];
      if (needed.length === 0) continue;
      expect(read, `board read before ${start.taskId}`).toBeDefined();
      const seen = new Map(
        (read!['kvReads'] as string[]).map((r) => {
          const m = /^board\/task\.(.+)@(\d+)$/.exec(r)!;
          return [m[1]!, Number(m[2])];
        }),
      );
      for (const d of needed) {
        expect(doneRev.get(d), `${d} done`).toBeDefined();
        expect(seen.get(d)!, `${start.taskId} saw ${d} done`).toBeGreaterThanOrEqual(
          doneRev.get(d)!,
        );
      }
    }
  });
});
