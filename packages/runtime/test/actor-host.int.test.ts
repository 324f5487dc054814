import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { assign, setup } from 'xstate';
import {
  createMemoryTrace,
  runtimeOf,
  type MessageEvent,
  type TraceEvent,
} from '@llm-teams/runtime';
import { startHostFixture, until, type HostFixture } from '@llm-teams/testkit';

/** Relays each `hop` to the next actor until the count runs out. */
const relay = setup({
  types: {
    context: {} as { next: string; seen: number },
    input: {} as { next: string },
    events: {} as MessageEvent<'hop', { left: number }>,
  },
}).createMachine({
  context: ({ input }) => ({ next: input.next, seen: 0 }),
  initial: 'idle',
  states: {
    idle: {
      on: {
        hop: {
          target: 'idle',
          reenter: true,
          actions: [
            assign({ seen: ({ context }) => context.seen + 1 }),
            ({ event, context, system }) => {
              if (event.body.left > 0) {
                runtimeOf(system).tell(context.next, 'hop', { left: event.body.left - 1 });
              }
            },
          ],
        },
      },
    },
  },
});

describe('actor host on a real nats-server', () => {
  let t: HostFixture;
  beforeEach(async () => {
    t = await startHostFixture({ team: 't1' });
  });
  afterEach(() => t.close());

  it('three actors on two hosts exchange messages under the Lamport and trace rules', async () => {
    const trace = createMemoryTrace();
    const h1 = await t.host({ node: 'h1', trace, seed: 1 });
    const h2 = await t.host({ nc: await t.connect(), node: 'h2', trace, seed: 2 });
    const a = await h1.spawn('a', relay, { input: { next: 'b' } });
    const b = await h2.spawn('b', relay, { input: { next: 'c' } });
    const c = await h2.spawn('c', relay, { input: { next: 'a' } });
    a.runtime.tell('b', 'hop', { left: 29 });
    // A second, concurrent chain so messages interleave.
    c.runtime.tell('a', 'hop', { left: 20 });
    await until(
      'all hops delivered',
      () => trace.events.filter((e) => e.kind === 'recv').length === 30 + 21,
    );
    const seen = [a, b, c].map(
      (h) => (h.getSnapshot() as unknown as { context: { seen: number } }).context.seen,
    );
    expect(seen.reduce((x, y) => x + y, 0)).toBe(51);
    checkTraceRules(trace.events);
  });
});

function checkTraceRules(events: TraceEvent[]): void {
  const perActor = new Map<string, TraceEvent[]>();
  for (const e of events) {
    const list = perActor.get(e.actor) ?? [];
    list.push(e);
    perActor.set(e.actor, list);
  }
  for (const [actor, list] of perActor) {
    for (let i = 1; i < list.length; i++) {
      expect(list[i]!.seq, `${actor} seq`).toBeGreaterThan(list[i - 1]!.seq);
      expect(list[i]!.lamport, `${actor} lamport`).toBeGreaterThan(list[i - 1]!.lamport);
    }
  }
  const sends = new Map<string, TraceEvent & { kind: 'send' }>();
  for (const e of events) if (e.kind === 'send') sends.set(`${e.msgId}#${e.attempt}`, e);
  for (const e of events) {
    if (e.kind !== 'recv') continue;
    expect(e.lamport).toBeGreaterThan(e.msgLamport);
    const send = sends.get(`${e.msgId}#${e.attempt}`);
    expect(send, `send of ${e.msgId}`).toBeDefined();
    expect(send!.lamport).toBe(e.msgLamport);
    expect(send!.actor).toBe(e.from);
  }
}
