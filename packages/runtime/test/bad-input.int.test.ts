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
import { startNatsFixture, until, type NatsFixture } from '../../../test/support/index.js';

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
    team: 'bad',
    from: 'sender',
    to: 'counter',
    type: 'count.add',
    lamport: seq,
    seq,
    attempt: 1,
    sentAt: Date.now(),
    body: { by: 1 },
  }),
  ...patch,
});

describe('bad input on an inbox', () => {
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

  it('rejects each bad message to the DLQ and the trace, and the actor keeps working', async () => {
    const resources = await provisionTeam(nc, { team: 'bad' });
    const trace = createMemoryTrace();
    host = await createActorHost({ nc, team: 'bad', node: 'h', trace, seed: 11 });
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
    nc.publish(inbox, valid);
    for (const [, data] of bad) nc.publish(inbox, data);
    nc.publish(inbox, encodeValue(good('m-7', 7)));
    await nc.flush();
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
    const consumer = await jetstream(nc).consumers.get(resources.dlqStream);
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
