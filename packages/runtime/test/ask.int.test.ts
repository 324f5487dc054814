import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { assign, setup } from 'xstate';
import {
  ask,
  createMemoryTrace,
  reply,
  type AskFailedEvent,
  type MessageEvent,
  type MessageInterceptor,
} from '@llm-teams/runtime';
import { startHostFixture, until, type HostFixture } from '@llm-teams/testkit';

const adder = setup({
  types: { events: {} as MessageEvent<'sum.request', { a: number; b: number }> },
}).createMachine({
  on: {
    'sum.request': {
      actions: reply('sum.result', ({ event }) => ({
        sum:
          (event as MessageEvent<'sum.request', { a: number; b: number }>).body.a +
          (event as MessageEvent<'sum.request', { a: number; b: number }>).body.b,
      })),
    },
  },
});

const asker = setup({
  types: {
    context: {},
    events: {} as
      { type: 'go'; to: string } | MessageEvent<'sum.result', { sum: number }> | AskFailedEvent,
  },
}).createMachine({
  context: {},
  initial: 'idle',
  states: {
    idle: {
      on: {
        go: {
          target: 'waiting',
          actions: ask(
            ({ event }) => (event as { to: string }).to,
            'sum.request',
            { a: 2, b: 3 },
            {
              timeoutMs: 1500,
              attemptTimeoutMs: 200,
              retry: { maxAttempts: 5, initialDelayMs: 20, maxDelayMs: 100 },
            },
          ),
        },
      },
    },
    waiting: {
      on: {
        'sum.result': {
          target: 'answered',
          actions: assign({
            result: ({ event }) => (event as MessageEvent<'sum.result', { sum: number }>).body.sum,
          }),
        },
        'ask.failed': {
          target: 'gaveUp',
          actions: assign({ failure: ({ event }) => event }),
        },
      },
    },
    answered: {},
    gaveUp: {},
  },
});

/** Drops the first reply of each request, so only a retry can succeed. */
function loseFirstReply(): MessageInterceptor & { dropped: number } {
  const seen = new Set<string>();
  const state = {
    dropped: 0,
    outbound(env: { corrId?: string; type: string }) {
      if (env.type === 'sum.result' && env.corrId && !seen.has(env.corrId)) {
        seen.add(env.corrId);
        state.dropped++;
        return { action: 'drop' as const, fault: 'drop' };
      }
      return undefined;
    },
  };
  return state;
}

describe('ask', () => {
  let t: HostFixture;
  beforeEach(async () => {
    t = await startHostFixture({ team: 'ask', provision: false });
  });
  afterEach(() => t.close());

  it('succeeds on retry when the first reply is lost, and the replier computes once', async () => {
    const trace = createMemoryTrace();
    const interceptor = loseFirstReply();
    const server = await t.host({ node: 's', trace, interceptor, seed: 3 });
    const client = await t.host({ nc: await t.connect(), node: 'c', trace, seed: 4 });
    await server.spawn('adder', adder);
    const a = await client.spawn('asker', asker);
    a.send({ type: 'go', to: 'adder' });
    await until(
      'answered',
      () => a.getSnapshot().value === 'answered' || a.getSnapshot().value === 'gaveUp',
    );
    expect(a.getSnapshot().value).toBe('answered');
    expect((a.getSnapshot() as unknown as { context: { result: number } }).context.result).toBe(5);
    expect(interceptor.dropped).toBe(1);
    const requestSends = trace.events.filter((e) => e.kind === 'send' && e.type === 'sum.request');
    expect(requestSends.map((e) => (e as { attempt: number }).attempt)).toEqual([1, 2]);
    expect(new Set(requestSends.map((e) => (e as { msgId: string }).msgId)).size).toBe(1);
    // The retry is a duplicate at the adder: answered from the reply cache, not recomputed.
    const adderRecv = trace.events.filter((e) => e.kind === 'recv' && e.actor === 'adder');
    expect(adderRecv.map((e) => Boolean((e as { dup?: boolean }).dup))).toEqual([false, true]);
    expect(trace.events.filter((e) => e.kind === 'fault')).toHaveLength(1);
  });

  it('fails with ask.failed after its deadline when nobody answers, and leaves nothing waiting', async () => {
    const trace = createMemoryTrace();
    const client = await t.host({ node: 'c', trace, seed: 5 });
    const a = await client.spawn('asker', asker);
    const started = Date.now();
    a.send({ type: 'go', to: 'nobody' });
    await until('gave up', () => a.getSnapshot().value === 'gaveUp');
    const failure = (a.getSnapshot() as unknown as { context: { failure: AskFailedEvent } }).context
      .failure;
    expect(failure).toMatchObject({
      type: 'ask.failed',
      to: 'nobody',
      requestType: 'sum.request',
      reason: 'timeout',
    });
    expect(failure.attempts).toBeGreaterThanOrEqual(2);
    expect(failure.attempts).toBeLessThanOrEqual(5);
    expect(failure.elapsedMs).toBeLessThanOrEqual(1500 + 50);
    expect(Date.now() - started).toBeGreaterThanOrEqual(200);
    const sendsBefore = trace.events.filter((e) => e.kind === 'send').length;
    expect(sendsBefore).toBe(failure.attempts);
    expect(trace.events.some((e) => e.kind === 'mark' && e.name === 'ask.failed')).toBe(true);
    // Nothing is still waiting: the ask and its retry timer are gone.
    expect(a.pendingAsks).toBe(0);
  });

  it('request() resolves with the reply and rejects with ASK_FAILED at its deadline', async () => {
    const host = await t.host({ node: 'h', seed: 6 });
    await host.spawn('adder', adder);
    const driver = await host.spawn('driver', setup({}).createMachine({}));
    const replyEnv = await driver.runtime.request('adder', 'sum.request', { a: 40, b: 2 });
    expect(replyEnv.body).toEqual({ sum: 42 });
    expect(replyEnv.corrId).toBeDefined();
    await expect(
      driver.runtime.request(
        'ghost',
        'sum.request',
        { a: 1, b: 1 },
        { timeoutMs: 300, attemptTimeoutMs: 100 },
      ),
    ).rejects.toMatchObject({ code: 'ASK_FAILED' });
  });

  it('an actor waiting on its maximum of asks gets the next one failed at once (overloaded), unsent', async () => {
    const trace = createMemoryTrace();
    const host = await t.host({ node: 'h', seed: 7, trace, maxPendingAsks: 2 });
    const driver = await host.spawn('driver', setup({}).createMachine({}));
    const slow = { timeoutMs: 60_000, attemptTimeoutMs: 60_000 };
    const waiting = [1, 2].map((n) => driver.runtime.request('ghost', 'q.ask', { n }, slow));
    for (const w of waiting) w.catch(() => undefined);
    await expect(driver.runtime.request('ghost', 'q.ask', { n: 3 }, slow)).rejects.toThrow(
      /not sent: the actor already waits on its maximum of asks/,
    );
    expect(driver.pendingAsks).toBe(2);
    expect(trace.events.filter((e) => e.kind === 'send')).toHaveLength(2);
    const failed = trace.events.find((e) => e.kind === 'mark' && e.name === 'ask.failed');
    expect(failed).toMatchObject({ reason: 'overloaded', attempts: 0 });
  });
});
