import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { assign, setup } from 'xstate';
import {
  analyzeDelivery,
  createMemoryTrace,
  reply,
  runRuntimeCheckers,
  runtimeOf,
  type MessageEvent,
  type MessageInterceptor,
} from '@llm-teams/runtime';
import { startHostFixture, until, type HostFixture } from '@llm-teams/testkit';

const relay = setup({
  types: {
    context: {} as { next: string; seen: number },
    input: {} as { next: string },
    events: {} as MessageEvent<'hop', { left: number }> | MessageEvent<'news', object>,
  },
}).createMachine({
  context: ({ input }) => ({ next: input.next, seen: 0 }),
  on: {
    hop: {
      actions: [
        assign({ seen: ({ context }) => context.seen + 1 }),
        ({ event, context, system }) => {
          const left = (event as MessageEvent<'hop', { left: number }>).body.left;
          if (left > 0) runtimeOf(system).tell(context.next, 'hop', { left: left - 1 });
        },
      ],
    },
    news: {},
  },
});

const adder = setup({
  types: { events: {} as MessageEvent<'sum.request', { a: number; b: number }> },
}).createMachine({
  on: {
    'sum.request': {
      actions: reply('sum.result', ({ event }) => {
        const body = (event as MessageEvent<'sum.request', { a: number; b: number }>).body;
        return { sum: body.a + body.b };
      }),
    },
  },
});

/** Drops the first transmission of every request and duplicates every fifth hop on receipt. */
function faults(): MessageInterceptor {
  const asked = new Set<string>();
  let hops = 0;
  return {
    outbound(env) {
      if (env.type !== 'sum.request' || asked.has(env.id)) return undefined;
      asked.add(env.id);
      return { action: 'drop', fault: 'drop' };
    },
    inbound(env) {
      if (env.type === 'hop' && ++hops % 5 === 0) {
        return { action: 'duplicate', copies: 1, fault: 'duplicate' };
      }
      return undefined;
    },
  };
}

describe('runtime checkers on a real run', () => {
  let t: HostFixture;
  beforeEach(async () => {
    t = await startHostFixture({ team: 'chk' });
  });
  afterEach(() => t.close());

  it('find nothing in a run with retries, dropped and duplicated messages and broadcasts', async () => {
    const trace = createMemoryTrace();
    const h1 = await t.host({ node: 'h1', trace, seed: 1 });
    const h2 = await t.host({
      nc: await t.connect(),
      node: 'h2',
      trace,
      seed: 2,
      interceptor: faults(),
    });
    const topics = ['team'];
    const a = await h1.spawn('a', relay, { input: { next: 'b' }, topics });
    await h2.spawn('b', relay, { input: { next: 'c' }, topics });
    await h2.spawn('c', relay, { input: { next: 'a' }, topics });
    await h1.spawn('adder', adder);
    const driver = await h2.spawn('driver', setup({}).createMachine({}));
    a.runtime.tell('b', 'hop', { left: 30 });
    for (let k = 0; k < 5; k++) a.runtime.broadcast('team', 'news', { k });
    const sums = await Promise.all(
      [1, 2, 3].map((x) =>
        driver.runtime.request('adder', 'sum.request', { a: x, b: x }, { attemptTimeoutMs: 150 }),
      ),
    );
    expect(sums.map((s) => (s.body as { sum: number }).sum)).toEqual([2, 4, 6]);
    await until(
      'hops and news delivered',
      () =>
        trace.events.filter((e) => e.kind === 'recv' && (e.type === 'hop' || e.type === 'news'))
          .length >=
        31 + 10,
    );
    const result = runRuntimeCheckers(trace.events);
    expect(result.findings).toEqual([]);
    const { counts } = analyzeDelivery(result.index);
    expect(counts.lost).toBe(0);
    expect(counts.retries).toBeGreaterThanOrEqual(3);
    expect(trace.events.some((e) => e.kind === 'recv' && e.dup)).toBe(true);
  });
});
