import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { assign, setup } from 'xstate';
import type { NatsConnection } from '@llm-teams/broker';
import {
  ask,
  createActorHost,
  createMemoryTrace,
  reply,
  type ActorHost,
  type AskFailedEvent,
  type MessageEvent,
  type MessageInterceptor,
} from '@llm-teams/runtime';
import { startNatsFixture, until, type NatsFixture } from '../../../test/support/index.js';

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
  let nats: NatsFixture;
  let nc: NatsConnection;
  const hosts: ActorHost[] = [];
  beforeEach(async () => {
    nats = await startNatsFixture();
    nc = await nats.connect();
  });
  afterEach(async () => {
    for (const h of hosts.splice(0)) await h.close();
    await nats.close();
  });

  it('succeeds on retry when the first reply is lost, and the replier computes once', async () => {
    const trace = createMemoryTrace();
    const interceptor = loseFirstReply();
    const server = await createActorHost({
      nc,
      team: 'ask',
      node: 's',
      trace,
      interceptor,
      seed: 3,
    });
    const client = await createActorHost({
      nc: await nats.connect(),
      team: 'ask',
      node: 'c',
      trace,
      seed: 4,
    });
    hosts.push(server, client);
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
    const client = await createActorHost({ nc, team: 'ask', node: 'c', trace, seed: 5 });
    hosts.push(client);
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
    const host = await createActorHost({ nc, team: 'ask', node: 'h', seed: 6 });
    hosts.push(host);
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
});
