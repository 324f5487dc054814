import { describe, expect, it } from 'vitest';
import { TimeoutError } from '@nats-io/transport-node';
import type { KV } from '@llm-teams/broker';
import { createTaskBoard, createTaskBoardProtocol, createWorkspaceStore } from '@llm-teams/agents';
import { createRandom, systemClock } from '@llm-teams/runtime';
import { useFreshTeams } from '../support/fresh-teams.js';

/** The bucket, with each of its requests timing out `failures` times before it goes through,
 *  as while a cluster elects new leaders after a server was killed. */
function failingOver(kv: KV, failures: number): KV & { failed: number } {
  const left = new Map<string, number>();
  const state = { failed: 0 };
  return new Proxy(kv, {
    get(target, prop, receiver) {
      if (prop === 'failed') return state.failed;
      const value: unknown = Reflect.get(target, prop, receiver);
      if (typeof value !== 'function' || !['get', 'put', 'create', 'update'].includes(String(prop)))
        return value;
      return (...args: unknown[]) => {
        const n = left.get(String(prop)) ?? failures;
        if (n > 0) {
          left.set(String(prop), n - 1);
          state.failed++;
          return Promise.reject(new TimeoutError());
        }
        left.delete(String(prop));
        return (value as (...a: unknown[]) => unknown).apply(target, args);
      };
    },
  }) as KV & { failed: number };
}

describe('KV requests during a failover', () => {
  const freshTeam = useFreshTeams('retry');
  const buckets = async () => {
    const resources = await freshTeam();
    return { files: await resources.bucket('files'), board: await resources.bucket('board') };
  };
  const retry = { clock: systemClock, random: createRandom('kv-retry-test') };

  it('a workspace write and read that time out go through once the bucket answers again', async () => {
    const { files } = await buckets();
    const flaky = failingOver(files, 2);
    const ws = createWorkspaceStore(flaky, { retry });
    const first = await ws.write('src/a.js', 'one', 0, 'a1');
    expect(first.ok).toBe(true);
    const rev = (first as { rev: number }).rev;
    expect(await ws.write('src/a.js', 'two', rev, 'a1')).toMatchObject({ ok: true });
    expect((await ws.read('src/a.js'))?.content).toBe('two');
    expect(flaky.failed).toBe(6);
  });

  it('the task board too: a claim through timeouts wins', async () => {
    const { board: kv } = await buckets();
    const flaky = failingOver(kv, 1);
    const board = createTaskBoard(flaky, { retry });
    await createTaskBoard(kv).init([
      { id: 't', title: 't', spec: '', files: [], deps: [], reference: {}, tests: {} },
    ]);
    const out = await board.update('t', (e) => ({ ...e, status: 'claimed', owner: 'a1' }));
    expect(out.ok).toBe(true);
    expect((await board.get('t'))?.entry).toMatchObject({ status: 'claimed', owner: 'a1' });
  });

  it('a completion whose reply was lost, then retried, is the completer’s own, not lost to a rival', async () => {
    const { board: kv } = await buckets();
    // The first update lands and its reply times out, as when the server that answered was
    // killed; the retry then finds the revision it named already replaced, by itself.
    let lost = 0;
    const replyLost = new Proxy(kv, {
      get(target, prop, receiver) {
        const value: unknown = Reflect.get(target, prop, receiver);
        if (prop !== 'update' || typeof value !== 'function') return value;
        return async (...args: unknown[]) => {
          const rev = await (value as (...a: unknown[]) => Promise<number>).apply(target, args);
          if (lost++ > 0) return rev;
          throw new TimeoutError();
        };
      },
    });
    await createTaskBoard(kv).init([
      { id: 't', title: 't', spec: '', files: [], deps: [], reference: {}, tests: {} },
    ]);
    const protocol = createTaskBoardProtocol({
      board: createTaskBoard(replyLost, { retry }),
      agentId: 'a1',
      now: () => 0,
      leaseMs: 60_000,
    });
    expect(await protocol.claim('t')).toMatchObject({ ok: true });
    const done = await protocol.complete('t', { modelTime: 7 });
    expect(done).toMatchObject({ ok: true, entry: { status: 'done', owner: 'a1' } });
    expect(done.rev).toBe((await createTaskBoard(kv).get('t'))!.rev);
    // A rival's completion is still refused.
    const rival = createTaskBoardProtocol({
      board: createTaskBoard(kv),
      agentId: 'a2',
      now: () => 0,
      leaseMs: 60_000,
    });
    expect(await rival.complete('t', { modelTime: 8 })).toMatchObject({
      ok: false,
      refusal: { code: 'already-done', owner: 'a1' },
    });
  });

  it('without retries the first timeout is the caller’s error', async () => {
    const { files } = await buckets();
    const ws = createWorkspaceStore(failingOver(files, 1));
    await expect(ws.write('src/a.js', 'one', 0, 'a1')).rejects.toBeInstanceOf(TimeoutError);
  });
});
