/**
 * Bad messages during a real team run: nothing a stranger publishes on a team's subjects may
 * stall it. Each bad message is counted, traced with its reason and dead-lettered once, with
 * its original bytes and subject.
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { runTeam, type RunningTeam } from '@llm-teams/agents';
import {
  jetstream,
  jetstreamManager,
  teamResourceNames,
  type NatsConnection,
} from '@llm-teams/broker';
import {
  createMemoryTrace,
  createRandom,
  decodeFrame,
  encodeEnvelope,
  type RejectTrace,
} from '@llm-teams/runtime';
import { startNatsFixture, tinyTeamRun, type NatsFixture } from '@llm-teams/testkit';
import { strangerEnvelope } from '../support/bad-messages.js';

const MEMBERS = ['a1', 'a2', 'coord1', 'coord2'];

/** The team's dead letters: original bytes and the headers saying where and why. */
async function deadLetters(nc: NatsConnection, team: string) {
  const stream = teamResourceNames({ team }).dlqStream;
  const jsm = await jetstreamManager(nc);
  const count = (await jsm.streams.info(stream)).state.messages;
  const consumer = await jetstream(nc).consumers.get(stream);
  const letters: { subject: string; reason: string; data: Uint8Array }[] = [];
  if (count === 0) return letters;
  const batch = await consumer.fetch({ max_messages: count, expires: 5000 });
  for await (const m of batch) {
    letters.push({
      subject: m.headers?.get('Llmt-Subject') ?? '',
      reason: m.headers?.get('Llmt-Reason') ?? '',
      data: m.data,
    });
    if (letters.length === count) break;
  }
  return letters;
}

/** Whether the runtime's codec refuses `bytes` as an envelope for `to` in `team`. */
function refused(bytes: Uint8Array, team: string, to: string): boolean {
  let accepted = false;
  decodeFrame(
    bytes,
    (env) => (accepted = env.team === team && env.to === to),
    () => undefined,
  );
  return !accepted;
}

/**
 * A few dozen malformed payloads for `to`, each certainly refused: random bytes, truncated and
 * bit-flipped envelopes, JSON text, an empty payload.
 */
function malformed(team: string, to: string, seed: number): Uint8Array[] {
  const random = createRandom(seed);
  const valid = encodeEnvelope(strangerEnvelope(team, to, `noise-${seed}`, { hello: 'world' }));
  const out: Uint8Array[] = [
    new Uint8Array([random.int(256), random.int(256), random.int(256)]),
    Uint8Array.from({ length: 40 }, () => random.int(256)),
    valid.subarray(0, valid.length >> 1),
    valid.subarray(0, 1),
    new TextEncoder().encode(JSON.stringify({ type: 'task.done', body: {} })),
    new Uint8Array(0),
  ];
  for (let flips = 0; flips < 3;) {
    const copy = Uint8Array.from(valid);
    const at = random.int(copy.length);
    copy[at]! ^= 1 << random.int(8);
    if (!refused(copy, team, to)) continue; // a flip that left a valid envelope is no test
    out.push(copy);
    flips++;
  }
  return out.filter((b) => refused(b, team, to));
}

describe('bad messages during a team run', () => {
  let nats: NatsFixture;
  let nc: NatsConnection;
  let stranger: NatsConnection;
  beforeEach(async () => {
    nats = await startNatsFixture();
    nc = await nats.connect('team');
    stranger = await nats.connect('stranger');
  });
  afterEach(async () => {
    await nats.close();
  });

  const run = (team: string, onStarted: (t: RunningTeam) => Promise<void>) => {
    const trace = createMemoryTrace();
    const result = runTeam({
      nc,
      team,
      ...tinyTeamRun({ n: 4, chain: 2, agents: 2, seed: 3, timeScale: 0.002 }),
      trace,
      deadlineMs: 30_000,
      onStarted,
    });
    return { trace, result };
  };

  it("three random bytes in the leader's durable inbox: the run completes, the bytes are dead-lettered once", async () => {
    const team = 'poison1';
    const subject = `llmt.${team}.actor.coord1.durable`;
    const poison = new Uint8Array([0xc1, 0x07, 0x99]);
    const { trace, result } = run(team, async () => {
      stranger.publish(subject, poison);
      await stranger.flush();
    });
    const r = await result;
    expect(r.status, r.reason).toBe('completed');
    expect(r.hostStats.rejected).toBe(1);
    const rejects = trace.events.filter((e): e is RejectTrace => e.kind === 'reject');
    expect(rejects.map((e) => [e.actor, e.subject, e.bytes])).toEqual([['coord1', subject, 3]]);
    expect(rejects[0]!.reason).toMatch(/msgpack/);
    const letters = await deadLetters(stranger, team);
    expect(letters).toHaveLength(1);
    expect(letters[0]!.subject).toBe(subject);
    expect([...letters[0]!.data]).toEqual([...poison]);
  });

  it('a flood of malformed messages on every subject of the team: the run completes, each one heard is rejected and dead-lettered once', async () => {
    const team = 'flood1';
    const sent: { subject: string; data: Uint8Array }[] = [];
    const unheard: { subject: string; data: Uint8Array }[] = [];
    const { trace, result } = run(team, async () => {
      let seed = 0;
      for (const m of MEMBERS) {
        for (const subject of [
          `llmt.${team}.actor.${m}`,
          `llmt.${team}.actor.${m}.durable`,
          `llmt.${team}.hb.${m}`,
        ]) {
          for (const data of malformed(team, m, ++seed)) sent.push({ subject, data });
        }
      }
      for (const data of malformed(team, '#team', ++seed)) {
        sent.push({ subject: `llmt.${team}.topic.team`, data });
      }
      // Nothing in a run without fault control or a trace collector listens here: the bytes
      // harm nobody and nobody can count them.
      for (const subject of [`llmt.${team}.control.fault.add`, `llmt.${team}.trace`]) {
        for (const data of malformed(team, 'coord1', ++seed)) unheard.push({ subject, data });
      }
      for (const { subject, data } of [...sent, ...unheard]) stranger.publish(subject, data);
      await stranger.flush();
    });
    const r = await result;
    expect(r.status, r.reason).toBe('completed');
    expect(sent.length).toBeGreaterThan(60);
    expect(r.hostStats.rejected).toBe(sent.length);
    expect(r.hostStats.deadLettered).toBe(sent.length);
    const rejects = trace.events.filter((e): e is RejectTrace => e.kind === 'reject');
    expect(rejects).toHaveLength(sent.length);
    const letters = await deadLetters(stranger, team);
    const key = (x: { subject: string; data: Uint8Array }) =>
      `${x.subject} ${Buffer.from(x.data).toString('hex')}`;
    expect(letters.map(key).sort()).toEqual(sent.map(key).sort());
    expect(letters.every((l) => l.reason.length > 0)).toBe(true);
  });
});
