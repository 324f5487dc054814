import { describe, expect, it } from 'vitest';
import type { TraceEvent } from '@llm-teams/runtime';
import { createLiveTeamState } from '../../src/observability/live-team-state.js';

let seq = 0;
const ev = (actor: string, wall: number, rest: Record<string, unknown>): TraceEvent =>
  ({ actor, node: 'n1', seq: seq++, lamport: seq, wall, ...rest }) as unknown as TraceEvent;
const task = (actor: string, wall: number, taskId: string, phase: string) =>
  ev(actor, wall, { kind: 'task', taskId, phase });

describe('the live state of a team, folded from its trace', () => {
  const start = ev('director', 1000, {
    kind: 'mark',
    name: 'run.start',
    arch: 'centralized',
    agents: 3,
    tasks: [{ id: 't1' }, { id: 't2' }, { id: 't3' }, { id: 't4' }],
  });

  it('counts tasks by state and agents by what they hold', () => {
    const s = createLiveTeamState();
    for (const e of [
      start,
      task('a1', 1100, 't1', 'claim'),
      task('a1', 1200, 't1', 'start'),
      task('a2', 1100, 't2', 'claim'),
      task('a1', 3000, 't1', 'done'),
      task('a3', 1500, 't3', 'claim'),
      task('a3', 1600, 't3', 'fail'),
    ])
      s.apply(e);
    const snap = s.snapshot(3000);
    expect(snap.phase).toBe('running');
    expect(snap.tasks).toEqual({
      total: 4,
      pending: 1,
      claimed: 1,
      running: 0,
      done: 1,
      failed: 1,
    });
    expect(snap.agents).toEqual([
      { id: 'a1', state: 'idle' },
      { id: 'a2', state: 'busy', task: 't2' },
      { id: 'a3', state: 'idle' },
    ]);
    // 2 s per task done so far, 3 left.
    expect(snap.etaMs).toBe(6000);
  });

  it("keeps a done task done when a backup copy's release arrives after it", () => {
    const s = createLiveTeamState();
    for (const e of [
      start,
      task('a2', 1100, 't1', 'start'),
      task('a1', 1200, 't1', 'start'),
      task('a1', 1300, 't1', 'done'),
      task('a2', 1400, 't1', 'release'),
    ])
      s.apply(e);
    expect(s.snapshot(1500).tasks.done).toBe(1);
    expect(s.snapshot(1500).agents.every((a) => a.state === 'idle')).toBe(true);
  });

  it('shows a suspected agent until it is heard of again, and a killed one down until restarted', () => {
    const s = createLiveTeamState();
    s.apply(start);
    s.apply(ev('coord1', 2000, { kind: 'mark', name: 'worker.suspected', worker: 'a2' }));
    s.apply(ev('director', 2100, { kind: 'fault', fault: 'kill', target: 'a3' }));
    const states = () => Object.fromEntries(s.snapshot(3000).agents.map((a) => [a.id, a.state]));
    expect(states()).toMatchObject({ a2: 'suspected', a3: 'down' });
    s.apply(ev('a2', 2500, { kind: 'state', from: 'idle', to: 'claiming' }));
    s.apply(ev('director', 2600, { kind: 'fault', fault: 'restart', target: 'a3' }));
    expect(states()).toMatchObject({ a2: 'idle', a3: 'idle' });
    expect(s.snapshot(3000).faults).toBe(2);
  });

  it('measures messages per second over the window and ends with run.end', () => {
    const s = createLiveTeamState({ rateWindowMs: 1000 });
    s.apply(start);
    for (let i = 0; i < 10; i++)
      s.apply(
        ev('a1', 1000 + i * 300, {
          kind: 'send',
          msgId: `m${i}`,
          to: 'a2',
          type: 'x',
          attempt: i === 9 ? 2 : 1,
        }),
      );
    // Sends at 3400, 3700, 4000 fall in (3000, 4000].
    expect(s.snapshot(4000).messagesPerSec).toBe(3);
    expect(s.snapshot(4000).retries).toBe(1);
    s.apply(ev('director', 5000, { kind: 'mark', name: 'run.end', status: 'failed', reason: 'x' }));
    expect(s.snapshot(9000)).toMatchObject({ phase: 'ended', status: 'failed', elapsedMs: 4000 });
  });
});

describe('a team name used for a second run', () => {
  it('shows the latest run: a run.start after a run.end begins again', () => {
    const s = createLiveTeamState();
    const mk = (wall: number, name: string, rest: Record<string, unknown> = {}) =>
      ev('director', wall, { kind: 'mark', name, ...rest });
    s.apply(mk(1000, 'run.start', { agents: 1, tasks: [{ id: 't1' }] }));
    s.apply(task('a1', 1100, 't1', 'done'));
    s.apply(mk(1200, 'run.end', { status: 'completed' }));
    expect(s.snapshot(1300).phase).toBe('ended');
    s.apply(mk(5000, 'run.start', { agents: 2, tasks: [{ id: 'u1' }, { id: 'u2' }] }));
    expect(s.snapshot(5100)).toMatchObject({
      phase: 'running',
      tasks: { total: 2, done: 0, pending: 2 },
    });
    expect(s.snapshot(5100).agents.map((a) => a.id)).toEqual(['a1', 'a2']);
  });
});
