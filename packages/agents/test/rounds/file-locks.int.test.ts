import { beforeEach, describe, expect, it } from 'vitest';
import type { KV } from '@llm-teams/broker';
import {
  createFileLocks,
  createTaskBoard,
  createWorkspaceStore,
  lockedBoard,
  lockedWorkspace,
} from '@llm-teams/agents';
import { systemClock, type TracePayload } from '@llm-teams/runtime';
import { useFreshTeams } from '../support/fresh-teams.js';

describe('shared state under locks (the paper harness: a lock per file on KV)', () => {
  let leases: KV;
  const freshTeam = useFreshTeams('locks');
  beforeEach(async () => {
    const resources = await freshTeam();
    leases = await resources.bucket('leases');
  });

  it('a second taker waits until the holder lets go, then runs', async () => {
    const a = createFileLocks({ kv: leases, owner: 'a1', clock: systemClock });
    const records: TracePayload[] = [];
    // a2's clock tells when a2 first waits (its lock found taken).
    let waited!: () => void;
    const waiting = new Promise<void>((r) => (waited = r));
    const clock = {
      ...systemClock,
      setTimeout: (fn: () => void, ms: number) => {
        waited();
        return systemClock.setTimeout(fn, ms);
      },
    };
    const b = createFileLocks({ kv: leases, owner: 'a2', clock, record: (p) => records.push(p) });
    const order: string[] = [];
    let release!: () => void;
    const held = new Promise<void>((r) => (release = r));
    let entered!: () => void;
    const inside = new Promise<void>((r) => (entered = r));
    const first = a.withLock('file.src/x.js', async () => {
      order.push('a1 in');
      entered();
      await held;
      order.push('a1 out');
    });
    await inside;
    const second = b.withLock('file.src/x.js', () => {
      order.push('a2 in');
      return Promise.resolve(42);
    });
    await waiting;
    release();
    await first;
    expect(await second).toEqual({ ok: true, value: 42 });
    expect(order).toEqual(['a1 in', 'a1 out', 'a2 in']);
    expect(records[0]).toMatchObject({ name: 'lock.take', outcome: 'ok', lock: 'file.src/x.js' });
  });

  it('refuses after waitMs with the holder named, and takes over a stale lock', async () => {
    await leases.create(
      'lock.task.t1',
      new TextEncoder().encode(JSON.stringify({ owner: 'a9', at: Date.now() })),
    );
    const impatient = createFileLocks({ kv: leases, owner: 'a1', clock: systemClock, waitMs: 30 });
    expect(await impatient.withLock('task.t1', () => Promise.resolve(1))).toEqual({
      ok: false,
      holder: 'a9',
    });
    const takeover = createFileLocks({ kv: leases, owner: 'a1', clock: systemClock, staleMs: 0 });
    expect(await takeover.withLock('task.t1', () => Promise.resolve(2))).toEqual({
      ok: true,
      value: 2,
    });
  });

  it('locked stores put plainly: a write built on an old revision still lands (no compare-and-set)', async () => {
    const resources = await freshTeam();
    const files = createWorkspaceStore(await resources.bucket('files'), { unsafeWrites: true });
    const locks = createFileLocks({ kv: leases, owner: 'a1', clock: systemClock });
    const ws = lockedWorkspace(files, locks);
    const first = await ws.write('src/a.js', 'one', 0, 'a1');
    expect(first.ok).toBe(true);
    // Built on revision 0 again: the lock serializes it, nothing refuses it.
    expect((await ws.write('src/a.js', 'two', 0, 'a2')).ok).toBe(true);
    expect((await ws.read('src/a.js'))?.content).toBe('two');

    const board = lockedBoard(
      createTaskBoard(await resources.bucket('board'), { unsafeWrites: true }),
      locks,
    );
    await board.init([
      { id: 't1', title: 't1', spec: '', files: [], deps: [], reference: {}, tests: {} },
    ]);
    const out = await board.update('t1', (e) => ({ ...e, status: 'claimed', owner: 'a1' }));
    expect(out).toMatchObject({ ok: true, entry: { status: 'claimed', owner: 'a1' } });
    // Every lock was let go.
    const left: string[] = [];
    for await (const k of await leases.keys('lock.>')) left.push(k);
    expect(left).toEqual([]);
  });
});
