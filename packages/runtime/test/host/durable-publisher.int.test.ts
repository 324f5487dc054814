import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { jetstreamManager, provisionTeam } from '@llm-teams/broker';
import {
  compileRetryPolicy,
  createEnvelope,
  createMemoryTrace,
  createRandom,
  systemClock,
  type Envelope,
  type HostStats,
  type MessageInterceptor,
} from '@llm-teams/runtime';
import type { ActorCell } from '../../src/actor-cell.js';
import { HeldDeliveries } from '../../src/delivery-faults.js';
import { DurablePublisher } from '../../src/durable-publisher.js';
import { TraceLane } from '../../src/trace-lane.js';
import { useNats } from '@llm-teams/testkit';

const env = (id: string): Envelope =>
  createEnvelope({
    id,
    team: 'dp',
    from: 'a',
    to: 'b',
    type: 'x.y',
    lamport: 1,
    seq: 1,
    attempt: 1,
    sentAt: 0,
    body: {},
  });

/** Drops the first `n` publish attempts of every message. */
const dropFirst = (n: number): MessageInterceptor => {
  let seen = 0;
  return {
    outbound: () => (seen++ < n ? { action: 'drop', fault: 'lost' } : undefined),
  };
};

describe('DurablePublisher', () => {
  const nats = useNats({ before: beforeEach, after: afterEach });

  async function setup(interceptor: MessageInterceptor, maxAttempts: number, maxInFlight = 100) {
    const resources = await provisionTeam(nats.nc, { team: 'dp' });
    const trace = createMemoryTrace();
    const stats = { dropped: 0 } as HostStats;
    let closed = false;
    const failed: string[] = [];
    const attempts: number[] = [];
    const sender = {
      id: 'a',
      lane: new TraceLane('a', 'n', trace, systemClock),
      failSend: (e: Envelope, err: Error) => failed.push(`${e.id}: ${err.message}`),
      retransmission: (e: Envelope) => {
        attempts.push(e.attempt + 1);
        return createEnvelope({ ...e, attempt: e.attempt + 1 });
      },
    } as unknown as ActorCell;
    const publisher = new DurablePublisher({
      nc: nats.nc,
      subjects: resources.subjects,
      stats,
      clock: systemClock,
      random: createRandom(1),
      policy: compileRetryPolicy({ maxAttempts, initialDelayMs: 5, maxDelayMs: 10 }),
      held: new HeldDeliveries(systemClock),
      signer: undefined,
      interceptor,
      maxInFlight,
      closed: () => closed,
    });
    const stored = async () =>
      (await (await jetstreamManager(nats.nc)).streams.info(resources.inboxStream)).state.messages;
    return {
      trace,
      stats,
      failed,
      attempts,
      sender,
      publisher,
      stored,
      close: () => (closed = true),
    };
  }

  it('publishes again after a lost publish, under the retry policy, and stores the message once', async () => {
    const t = await setup(dropFirst(2), 5);
    await t.publisher.publish(env('m-1'), t.sender);
    expect(t.failed).toEqual([]);
    expect(await t.stored()).toBe(1);
    expect(t.stats.dropped).toBe(2);
    expect(t.trace.events.filter((e) => e.kind === 'fault')).toHaveLength(2);
    // Each retry is the envelope's next attempt, made by the sender (which traces it).
    expect(t.attempts).toEqual([2, 3]);
  });

  it('tells the sender (send.failed) when the policy gives up', async () => {
    const t = await setup(dropFirst(100), 3);
    await t.publisher.publish(env('m-2'), t.sender);
    expect(t.failed).toEqual(['m-2: publish of m-2 lost (injected lost)']);
    expect(t.stats.dropped).toBe(3);
    expect(await t.stored()).toBe(0);
  });

  it('fails a publish at once when the bound of publishes in flight is reached', async () => {
    const t = await setup(dropFirst(Number.MAX_SAFE_INTEGER), Number.MAX_SAFE_INTEGER, 2);
    const first = t.publisher.publish(env('m-3'), t.sender);
    const second = t.publisher.publish(env('m-4'), t.sender);
    expect(t.publisher.inFlight).toBe(2);
    await t.publisher.publish(env('m-5'), t.sender);
    expect(t.failed).toEqual(['m-5: 2 at-least-once publishes already in flight (the bound)']);
    t.close();
    await Promise.all([first, second]);
    expect(t.publisher.inFlight).toBe(0);
    expect(t.failed).toHaveLength(3);
  });
});
