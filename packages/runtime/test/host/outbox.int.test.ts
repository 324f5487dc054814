import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { NatsConnection } from '@llm-teams/broker';
import { createEnvelope, decodeFrame, type Envelope, type HostStats } from '@llm-teams/runtime';
import type { ActorCell } from '../../src/actor-cell.js';
import { Outbox } from '../../src/outbox.js';
import { startNatsFixture, until, type NatsFixture } from '@llm-teams/testkit';

const stats = () => ({ batches: 0 }) as HostStats;

const env = (seq: number, body: unknown = { n: seq }): Envelope =>
  createEnvelope({
    id: `m-${seq}`,
    team: 't',
    from: 'a',
    to: 'b',
    type: 'x.y',
    lamport: seq,
    seq,
    attempt: 1,
    sentAt: 0,
    body,
  });

/** A sender that records the sends it was told failed. */
const sender = () => {
  const failed: [string, string][] = [];
  const cell = {
    id: 'a',
    failSend: (e: Envelope, err: Error) => failed.push([e.id, err.message]),
  } as unknown as ActorCell;
  return { cell, failed };
};

describe('Outbox', () => {
  let nats: NatsFixture;
  let nc: NatsConnection;
  let sub: NatsConnection;
  const frames: Envelope[][] = [];
  beforeEach(async () => {
    nats = await startNatsFixture();
    nc = await nats.connect();
    sub = await nats.connect('sub');
    frames.length = 0;
    sub.subscribe('llmt.t.actor.b', {
      callback: (_e, m) => {
        const got: Envelope[] = [];
        decodeFrame(
          m.data,
          (e) => got.push(e),
          () => got.push(undefined as never),
        );
        frames.push(got);
      },
    });
    await sub.flush();
  });
  afterEach(async () => {
    await nats.close();
  });

  it('coalesces the sends of one tick to one subject into one NATS message, in order', async () => {
    const s = stats();
    const { cell } = sender();
    const box = new Outbox({
      nc,
      stats: s,
      signer: undefined,
      batch: true,
      maxBatch: 256,
      senderOf: () => cell,
    });
    for (let i = 1; i <= 5; i++) box.enqueue('llmt.t.actor.b', env(i), cell);
    expect(box.pending).toBe(5);
    await nc.flush();
    await until('one frame', () => frames.length === 1);
    expect(frames[0]!.map((e) => e.seq)).toEqual([1, 2, 3, 4, 5]);
    expect(s.batches).toBe(1);
    expect(box.pending).toBe(0);
  });

  it('publishes a full batch at once and a lone message unbatched', async () => {
    const { cell } = sender();
    const box = new Outbox({
      nc,
      stats: stats(),
      signer: undefined,
      batch: true,
      maxBatch: 3,
      senderOf: () => cell,
    });
    for (let i = 1; i <= 4; i++) box.enqueue('llmt.t.actor.b', env(i), cell);
    expect(box.pending).toBe(1);
    await nc.flush();
    await until('two frames', () => frames.length === 2);
    expect(frames.map((f) => f.map((e) => e.seq))).toEqual([[1, 2, 3], [4]]);
  });

  it('splits a batch over max_payload, and fails the send of one envelope that is too large alone', async () => {
    const { cell, failed } = sender();
    const box = new Outbox({
      nc,
      stats: stats(),
      signer: undefined,
      batch: true,
      maxBatch: 256,
      senderOf: () => cell,
    });
    const max = nc.info!.max_payload;
    const big = 'x'.repeat(Math.floor(max * 0.6));
    box.enqueue('llmt.t.actor.b', env(1, big), cell);
    box.enqueue('llmt.t.actor.b', env(2, big), cell);
    box.enqueue('llmt.t.actor.b', env(3, 'y'.repeat(max + 10)), cell);
    box.flush();
    await nc.flush();
    await until('two frames', () => frames.length === 2);
    expect(frames.map((f) => f.map((e) => e.seq))).toEqual([[1], [2]]);
    expect(failed).toHaveLength(1);
    expect(failed[0]![0]).toBe('m-3');
    expect(failed[0]![1]).toMatch(/exceeds max_payload/);
  });
});
