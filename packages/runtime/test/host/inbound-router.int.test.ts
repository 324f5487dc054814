import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { assign, setup } from 'xstate';
import { jetstream, provisionTeam, type NatsConnection } from '@llm-teams/broker';
import {
  createActorHost,
  createEnvelope,
  createMemoryTrace,
  encodeValue,
  type ActorHost,
  type MessageEvent,
  type RejectTrace,
} from '@llm-teams/runtime';
import { startNatsFixture, until, type NatsFixture } from '@llm-teams/testkit';

const counter = setup({
  types: { context: {} as { n: number }, events: {} as MessageEvent<'count.add', { by: number }> },
}).createMachine({
  context: { n: 0 },
  on: {
    'count.add': { actions: assign({ n: ({ context, event }) => context.n + event.body.by }) },
  },
});

const good = (id: string, seq: number, patch: Record<string, unknown> = {}) => ({
  ...createEnvelope({
    id,
    team: 'rt',
    from: 'sender',
    to: 'counter',
    type: 'count.add',
    lamport: seq,
    seq,
    attempt: 1,
    sentAt: 0,
    body: { by: 1 },
  }),
  ...patch,
});

const countOf = (host: ActorHost) =>
  (host.actor('counter')!.getSnapshot() as unknown as { context: { n: number } }).context.n;

describe('inbound routing', () => {
  let nats: NatsFixture;
  let nc: NatsConnection;
  let host: ActorHost;
  beforeEach(async () => {
    nats = await startNatsFixture();
    nc = await nats.connect();
  });
  afterEach(async () => {
    await host?.close();
    await nats.close();
  });

  it('delivers the valid envelopes of a batch and rejects the message once for the bad ones', async () => {
    const resources = await provisionTeam(nc, { team: 'rt' });
    const trace = createMemoryTrace();
    host = await createActorHost({ nc, team: 'rt', node: 'h', trace, seed: 1 });
    await host.spawn('counter', counter);
    const batch = encodeValue([
      good('b-1', 1),
      good('b-2', 2, { lamport: -1 }),
      good('b-3', 3),
      good('b-4', 4, { to: 'else' }),
    ]);
    nc.publish(resources.subjects.inbox('counter'), batch);
    await until(
      'two counted and one reject',
      () => countOf(host) === 2 && host.stats.rejected === 1,
    );
    const rejects = trace.events.filter((e): e is RejectTrace => e.kind === 'reject');
    expect(rejects).toHaveLength(1);
    expect(rejects[0]!.reason).toBe(
      'batch item 1: lamport must be a positive integer, got -1 (and 1 more in the batch)',
    );
    expect(rejects[0]!.bytes).toBe(batch.length);
    expect(host.stats.deadLettered).toBe(1);
  });

  it('one message delivered is one receive on each path: core, topic, durable', async () => {
    const resources = await provisionTeam(nc, { team: 'rt' });
    host = await createActorHost({ nc, team: 'rt', node: 'h', seed: 2 });
    await host.spawn('counter', counter, { durable: true, topics: ['news'] });
    nc.publish(resources.subjects.inbox('counter'), encodeValue(good('p-1', 1)));
    nc.publish(resources.subjects.topic('news'), encodeValue(good('p-2', 2, { to: '#news' })));
    await jetstream(nc).publish(
      resources.subjects.durableInbox('counter'),
      encodeValue(good('p-3', 3)),
    );
    await until('three counted', () => countOf(host) === 3);
    expect(host.stats.received).toBe(2);
    expect(host.stats.rejected).toBe(0);
  });

  it('a host does not decode what arrives for actors of other hosts', async () => {
    const resources = await provisionTeam(nc, { team: 'rt' });
    host = await createActorHost({ nc, team: 'rt', node: 'h', seed: 3 });
    await host.spawn('counter', counter);
    nc.publish(resources.subjects.inbox('elsewhere'), new Uint8Array([0xc1]));
    nc.publish(resources.subjects.inbox('counter'), encodeValue(good('f-1', 1)));
    await until('counted', () => countOf(host) === 1);
    expect(host.stats.foreign).toBe(1);
    expect(host.stats.rejected).toBe(0);
  });
});
