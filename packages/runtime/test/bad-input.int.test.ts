import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { assign, setup } from 'xstate';
import { jetstream, jetstreamManager, provisionTeam } from '@llm-teams/broker';
import {
  createActorHost,
  createMemoryTrace,
  encodeValue,
  type ActorHost,
  type LateTrace,
  type MessageEvent,
  type RejectTrace,
} from '@llm-teams/runtime';
import { until, useNats } from '@llm-teams/testkit';
import { countAdds, counter } from './support/counter.js';

const good = countAdds('bad', Date.now);

const nats = useNats({ before: beforeEach, after: afterEach });
let host: ActorHost;
afterEach(() => host?.close());

describe('bad input on an inbox', () => {
  it('rejects each bad message to the DLQ and the trace, and the actor keeps working', async () => {
    const resources = await provisionTeam(nats.nc, { team: 'bad' });
    const trace = createMemoryTrace();
    host = await createActorHost({ nc: nats.nc, team: 'bad', node: 'h', trace, seed: 11 });
    const c = await host.spawn('counter', counter);
    const inbox = resources.subjects.inbox('counter');
    const random = new Uint8Array(64).map((_, i) => (i * 37 + 11) & 0xff);
    const valid = encodeValue(good('m-1', 1));
    const bad: [string, Uint8Array][] = [
      ['random bytes', random],
      ['truncated msgpack', valid.subarray(0, valid.length - 5)],
      ['not an envelope', encodeValue('hello world')],
      ['wrong version', encodeValue(good('m-2', 2, { v: 9 }))],
      ['lamport as a string', encodeValue(good('m-3', 3, { lamport: 'late' }))],
      ['reserved type', encodeValue(good('m-4', 4, { type: 'xstate.init' }))],
      ['forged runtime event', encodeValue(good('m-5', 5, { type: 'ask.failed' }))],
      ['wrong recipient', encodeValue(good('m-6', 6, { to: 'someone' }))],
      ['empty payload', new Uint8Array(0)],
    ];
    nats.nc.publish(inbox, valid);
    for (const [, data] of bad) nats.nc.publish(inbox, data);
    nats.nc.publish(inbox, encodeValue(good('m-7', 7)));
    await nats.nc.flush();
    await until('good messages counted and bad rejected', () => {
      const n = (c.getSnapshot() as unknown as { context: { n: number } }).context.n;
      return n === 2 && host.stats.rejected === bad.length;
    });
    const rejects = trace.events.filter((e): e is RejectTrace => e.kind === 'reject');
    expect(rejects).toHaveLength(bad.length);
    const reasons = rejects.map((r) => r.reason);
    expect(reasons[0]).toMatch(/undecodable|envelope must be/);
    expect(reasons[1]).toMatch(/undecodable/);
    expect(reasons[2]).toMatch(
      /envelope must be a msgpack map or envelope record, got "hello world"/,
    );
    expect(reasons[3]).toMatch(/unsupported envelope version 9/);
    expect(reasons[4]).toMatch(/lamport must be a positive integer, got "late"/);
    expect(reasons[5]).toMatch(/reserved for xstate/);
    expect(reasons[6]).toMatch(/reserved for the runtime/);
    expect(reasons[7]).toMatch(/arrived on the inbox of bad\/counter/);
    expect(reasons[8]).toMatch(/undecodable/);
    for (const r of rejects) expect(r.actor).toBe('counter');

    // Every rejected message is in the dead-letter stream with its reason.
    const consumer = await jetstream(nats.nc).consumers.get(resources.dlqStream);
    const dead: { reason: string; bytes: number }[] = [];
    while (dead.length < bad.length) {
      const m = await consumer.next({ expires: 2000 });
      if (!m) break;
      dead.push({ reason: m.headers?.get('Llmt-Reason') ?? '', bytes: m.data.length });
    }
    expect(dead.map((d) => d.reason)).toEqual(reasons.map((r) => r.replace(/[^\x20-\x7e]/g, '?')));
    expect(dead.map((d) => d.bytes)).toEqual(bad.map(([, d]) => d.length));
  });
});

const counted = (c: { getSnapshot(): unknown }) =>
  (c.getSnapshot() as { context: { n: number; seen?: string[] } }).context;

/** Counts `count.add`, records every event type it sees, and finishes on `count.stop`. */
const recorder = setup({
  types: {
    context: {} as { n: number; seen: string[] },
    events: {} as MessageEvent<'count.add', { by: number }> | { type: string },
  },
}).createMachine({
  context: { n: 0, seen: [] },
  initial: 'counting',
  states: {
    counting: {
      on: {
        'count.stop': 'finished',
        '*': {
          actions: assign({
            seen: ({ context, event }) => [...context.seen, event.type],
            n: ({ context, event }) =>
              context.n +
              (event.type === 'count.add' ? (event as { body: { by: number } }).body.by : 0),
          }),
        },
      },
    },
    finished: { type: 'final' },
  },
});

describe('bad input on durable inboxes, topics and finished actors', () => {
  it('a poison message at the head of a durable inbox is terminated at once and never blocks what follows', async () => {
    const resources = await provisionTeam(nats.nc, { team: 'bad' });
    const trace = createMemoryTrace();
    host = await createActorHost({ nc: nats.nc, team: 'bad', node: 'h', trace, seed: 12 });
    const js = jetstream(nats.nc);
    const subject = resources.subjects.durableInbox('counter');
    // In the stream before the actor's consumer exists: the poison is first in line.
    await js.publish(subject, new Uint8Array([0xc1, 1, 2]));
    await js.publish(subject, encodeValue(good('d-1', 1)));
    await js.publish(subject, new Uint8Array(0));
    await js.publish(subject, encodeValue(good('d-2', 2, { team: 'other' })));
    await js.publish(subject, encodeValue(good('d-3', 3)));
    const c = await host.spawn('counter', counter, { durable: true });
    await until('both good messages counted', () => counted(c).n === 2, 10_000);
    expect(host.stats.rejected).toBe(3);
    const rejects = trace.events.filter((e): e is RejectTrace => e.kind === 'reject');
    expect(rejects.map((r) => r.subject)).toEqual([subject, subject, subject]);
    expect(rejects[2]!.reason).toMatch(/envelope for other\/counter arrived in the durable inbox/);
    // Nothing is left pending or waiting for redelivery.
    const jsm = await jetstreamManager(nats.nc);
    await until('the queue is empty', async () => {
      const info = await jsm.consumers.info(resources.inboxStream, 'counter');
      return info.num_pending === 0 && info.num_ack_pending === 0;
    });
  });

  for (const type of ['send.failed', 'ask.failed']) {
    it(`an incoming ${type} (a reserved runtime event) is refused on the core inbox, the durable inbox and a topic`, async () => {
      const resources = await provisionTeam(nats.nc, { team: 'bad' });
      const trace = createMemoryTrace();
      host = await createActorHost({ nc: nats.nc, team: 'bad', node: 'h', trace, seed: 13 });
      const c = await host.spawn('counter', recorder, { durable: true, topics: ['news'] });
      const forged = (id: string, to = 'counter') =>
        encodeValue(good(id, 1, { type, to, body: { msgId: 'x', to: 'y', error: 'forged' } }));
      nats.nc.publish(resources.subjects.inbox('counter'), forged('f-1'));
      nats.nc.publish(resources.subjects.topic('news'), forged('f-2', '#news'));
      await jetstream(nats.nc).publish(resources.subjects.durableInbox('counter'), forged('f-3'));
      nats.nc.publish(resources.subjects.inbox('counter'), encodeValue(good('ok-1', 4)));
      await until(
        'three refused, one counted',
        () => host.stats.rejected === 3 && counted(c).n === 1,
      );
      expect(counted(c).seen).toEqual(['count.add']);
      const rejects = trace.events.filter((e): e is RejectTrace => e.kind === 'reject');
      expect(rejects.map((r) => r.reason)).toEqual([
        `type ${type} is reserved for the runtime`,
        `type ${type} is reserved for the runtime`,
        `type ${type} is reserved for the runtime`,
      ]);
    });
  }

  it('a message for an actor that has finished is traced as late, not rejected or dead-lettered', async () => {
    const resources = await provisionTeam(nats.nc, { team: 'bad' });
    const trace = createMemoryTrace();
    host = await createActorHost({ nc: nats.nc, team: 'bad', node: 'h', trace, seed: 14 });
    const c = await host.spawn('counter', recorder, { durable: true, topics: ['news'] });
    nats.nc.publish(
      resources.subjects.inbox('counter'),
      encodeValue(good('s-1', 1, { type: 'count.stop' })),
    );
    await until('the actor is done', () => c.status === 'done');
    nats.nc.publish(resources.subjects.inbox('counter'), encodeValue(good('l-1', 2)));
    nats.nc.publish(
      resources.subjects.topic('news'),
      encodeValue(good('l-2', 3, { to: '#news', type: 'run.done' })),
    );
    await jetstream(nats.nc).publish(
      resources.subjects.durableInbox('counter'),
      encodeValue(good('l-3', 4)),
    );
    await until('three late messages', () => host.stats.late === 3);
    const late = trace.events.filter((e): e is LateTrace => e.kind === 'late');
    expect(late.map((e) => [e.msgId, e.type, e.mode, e.status])).toEqual([
      ['l-1', 'count.add', 'at-most-once', 'done'],
      ['l-2', 'run.done', 'at-most-once', 'done'],
      ['l-3', 'count.add', 'at-least-once', 'done'],
    ]);
    expect(host.stats.rejected).toBe(0);
    expect(trace.events.some((e) => e.kind === 'reject')).toBe(false);
    const dlq = await (await jetstreamManager(nats.nc)).streams.info(resources.dlqStream);
    expect(dlq.state.messages).toBe(0);
    // The late durable message is not redelivered: the queue is empty.
    const info = await (
      await jetstreamManager(nats.nc)
    ).consumers.info(resources.inboxStream, 'counter');
    expect(info.num_pending + info.num_ack_pending).toBe(0);
  });
});
