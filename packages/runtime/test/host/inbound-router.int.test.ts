import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { jetstream, provisionTeam } from '@llm-teams/broker';
import {
  createActorHost,
  createMemoryTrace,
  encodeValue,
  type ActorHost,
  type RejectTrace,
} from '@llm-teams/runtime';
import { until, useNats } from '@llm-teams/testkit';
import { countAdds, counter } from '../support/counter.js';

const good = countAdds('rt');

const countOf = (host: ActorHost) =>
  (host.actor('counter')!.getSnapshot() as unknown as { context: { n: number } }).context.n;

describe('inbound routing', () => {
  const nats = useNats({ before: beforeEach, after: afterEach });
  let host: ActorHost;
  afterEach(() => host?.close());

  it('delivers the valid envelopes of a batch and rejects the message once for the bad ones', async () => {
    const resources = await provisionTeam(nats.nc, { team: 'rt' });
    const trace = createMemoryTrace();
    host = await createActorHost({ nc: nats.nc, team: 'rt', node: 'h', trace, seed: 1 });
    await host.spawn('counter', counter);
    const batch = encodeValue([
      good('b-1', 1),
      good('b-2', 2, { lamport: -1 }),
      good('b-3', 3),
      good('b-4', 4, { to: 'else' }),
    ]);
    nats.nc.publish(resources.subjects.inbox('counter'), batch);
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
    const resources = await provisionTeam(nats.nc, { team: 'rt' });
    host = await createActorHost({ nc: nats.nc, team: 'rt', node: 'h', seed: 2 });
    await host.spawn('counter', counter, { durable: true, topics: ['news'] });
    nats.nc.publish(resources.subjects.inbox('counter'), encodeValue(good('p-1', 1)));
    nats.nc.publish(resources.subjects.topic('news'), encodeValue(good('p-2', 2, { to: '#news' })));
    await jetstream(nats.nc).publish(
      resources.subjects.durableInbox('counter'),
      encodeValue(good('p-3', 3)),
    );
    await until('three counted', () => countOf(host) === 3);
    expect(host.stats.received).toBe(2);
    expect(host.stats.rejected).toBe(0);
  });

  it('a host does not decode what arrives for actors of other hosts', async () => {
    const resources = await provisionTeam(nats.nc, { team: 'rt' });
    host = await createActorHost({ nc: nats.nc, team: 'rt', node: 'h', seed: 3 });
    await host.spawn('counter', counter);
    nats.nc.publish(resources.subjects.inbox('elsewhere'), new Uint8Array([0xc1]));
    nats.nc.publish(resources.subjects.inbox('counter'), encodeValue(good('f-1', 1)));
    await until('counted', () => countOf(host) === 1);
    expect(host.stats.foreign).toBe(1);
    expect(host.stats.rejected).toBe(0);
  });
});
