/**
 * Fencing, end to end: the leading coordinator's process is paused (SIGSTOP) until its
 * standby has taken over, then woken (SIGCONT). It wakes believing it still leads and acts on
 * its stale view; every command it sends is refused — by the workers, which have seen the new
 * epoch, or by the board, which the new leader fenced — and it steps down.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { NatsConnection } from '@llm-teams/broker';
import { runTeam } from '@llm-teams/agents';
import { parseTrace, type TraceEvent, type TraceSink } from '@llm-teams/runtime';
import {
  deferred,
  runTimeline,
  spawnCli,
  startNatsFixture,
  tempDir,
  type CliProcess,
  type NatsFixture,
} from '@llm-teams/testkit';
import { tinyTeamRun } from '@llm-teams/testkit';

type Fields = TraceEvent & Record<string, unknown>;

/** A trace sink that also resolves waits on conditions over the events so far. */
function watched() {
  const events: Fields[] = [];
  const waiters: { test: () => boolean; resolve: () => void }[] = [];
  const sink: TraceSink = {
    write(e) {
      events.push(e as Fields);
      for (const w of [...waiters])
        if (w.test()) {
          waiters.splice(waiters.indexOf(w), 1);
          w.resolve();
        }
    },
  };
  const when = (test: () => boolean) => {
    const d = deferred();
    if (test()) d.resolve();
    else waiters.push({ test, resolve: d.resolve });
    return d.promise;
  };
  return { events, sink, when };
}

describe('a paused old leader wakes after a takeover', () => {
  let nats: NatsFixture;
  let nc: NatsConnection;
  const nodes = new Map<string, CliProcess>();
  const out = tempDir('llmt-fence-');
  const signal = (c: string, s: NodeJS.Signals) => process.kill(nodes.get(c)!.pid!, s);
  beforeEach(async () => {
    nats = await startNatsFixture();
    nc = await nats.connect();
  });
  afterEach(async () => {
    for (const [c, n] of nodes) {
      try {
        signal(c, 'SIGCONT');
      } catch {
        // already gone
      }
      n.kill('SIGKILL');
    }
    nodes.clear();
    await nats.close();
    out.cleanup();
  });

  it('its commands are refused and it steps down; the run completes, each task once', async () => {
    const team = 'fence1';
    // Each coordinator in a process of its own, so the leader (whichever wins) can be paused
    // without pausing anything else.
    for (const c of ['coord1', 'coord2']) {
      const args = ['node', '--nats', nats.url, '--team', team, '--agents', c];
      nodes.set(c, spawnCli([...args, '--out', out.dir, '--node', `proc-${c}`]));
    }
    const { events, sink, when } = watched();
    const heard = (e: Fields, from: string) =>
      e.kind === 'recv' && e['from'] === from && e['type'] === 'task.assign';
    let wokeAt = 0;
    let leader = '';
    let standby = '';
    let paused: Promise<void> | undefined;
    const result = await runTeam({
      nc,
      team,
      ...tinyTeamRun({ n: 10, chain: 3, agents: 3, seed: 11, timeScale: 0.05 }),
      localMembers: ['a1', 'a2', 'a3'],
      coordinator: { leaseMs: 1000 },
      deadlineMs: 150_000,
      trace: sink,
      onStarted: () => {
        paused = (async () => {
          // The leader is the coordinator a worker first hears from.
          await when(() => events.some((e) => e.kind === 'recv' && e['type'] === 'task.assign'));
          const first = events.find((e) => e.kind === 'recv' && e['type'] === 'task.assign')!;
          leader = String(first['from']);
          standby = leader === 'coord1' ? 'coord2' : 'coord1';
          signal(leader, 'SIGSTOP');
          // The standby takes over and gives out work: the workers see its epoch.
          await when(() => events.some((e) => heard(e, standby)));
          wokeAt = Date.now();
          signal(leader, 'SIGCONT');
        })();
      },
    });
    await paused;
    expect(result.status, `${result.reason}\n${runTimeline(events)}`).toBe('completed');
    for (const n of nodes.values()) {
      const exited = await n.exited;
      expect(exited.code, exited.stderr).toBe(0);
    }
    const traceOf = (c: string) =>
      parseTrace(readFileSync(join(out.dir, `trace.proc-${c}.jsonl`), 'utf8')) as Fields[];
    const elected = traceOf(standby).find(
      (e) => e.kind === 'mark' && e['name'] === 'leader.elected',
    );
    const newEpoch = elected!['epoch'] as number;
    // The old leader acted after it woke: it sent commands from its stale view.
    const staleSends = traceOf(leader).filter(
      (e) => e.kind === 'send' && e.wall >= wokeAt && /^task\./.test(String(e['type'])),
    );
    expect(staleSends.length, `${leader} sent nothing after waking`).toBeGreaterThan(0);
    // They were refused: by a worker that had seen the new epoch, or by the fenced board.
    const refusals = events.filter(
      (e) =>
        (e.kind === 'mark' && e['name'] === 'fence.refused' && e['from'] === leader) ||
        (e.kind === 'task' &&
          e.phase === 'release' &&
          e.wall >= wokeAt &&
          /refuses epoch/.test(String(e['reason']))),
    );
    expect(refusals.length, runTimeline(events)).toBeGreaterThan(0);
    // No task was started on the old leader's word after it woke.
    const startedStale = events.filter(
      (e) =>
        e.kind === 'task' &&
        e.phase === 'start' &&
        e.wall >= wokeAt &&
        typeof e['epoch'] === 'number' &&
        e['epoch'] < newEpoch,
    );
    expect(startedStale).toEqual([]);
    // The old leader learned it was deposed.
    const stepped = traceOf(leader).filter(
      (e) =>
        e.kind === 'mark' &&
        ['leader.lost', 'leader.deposed'].includes(String(e['name'])) &&
        e.wall >= wokeAt,
    );
    expect(stepped.length).toBeGreaterThan(0);
    // Each task was completed exactly once.
    const done = events.filter((e) => e.kind === 'task' && e.phase === 'done');
    expect(done.map((e) => e['taskId']).sort()).toEqual(result.tasks.map((t) => t.id).sort());
  });
});
