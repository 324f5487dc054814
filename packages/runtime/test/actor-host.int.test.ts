import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { assign, setup } from 'xstate';
import { provisionTeam, type NatsConnection } from '@llm-teams/broker';
import {
  createActorHost,
  createMemoryTrace,
  runtimeOf,
  type ActorHost,
  type MessageEvent,
  type TraceEvent,
} from '@llm-teams/runtime';
import { startNatsFixture, until, type NatsFixture } from '../../../test/support/index.js';

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
  let nats: NatsFixture;
  let nc: NatsConnection;
  const hosts: ActorHost[] = [];
  beforeEach(async () => {
    nats = await startNatsFixture();
    nc = await nats.connect();
    await provisionTeam(nc, { team: 't1' });
  });
  afterEach(async () => {
    for (const h of hosts.splice(0)) await h.close();
    await nats.close();
  });

  it('three actors on two hosts exchange messages under the Lamport and trace rules', async () => {
    const trace = createMemoryTrace();
    const nc2 = await nats.connect();
    const h1 = await createActorHost({ nc, team: 't1', node: 'h1', trace, seed: 1 });
    const h2 = await createActorHost({ nc: nc2, team: 't1', node: 'h2', trace, seed: 2 });
    hosts.push(h1, h2);
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
