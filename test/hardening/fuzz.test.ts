/**
 * Fuzzing a real team run: random, truncated, bit-flipped, oversize and wrong-typed messages,
 * JSON and empty payloads on every subject the team listens on, and replays of the team's own
 * messages, while it works. The run must complete; every message the team must refuse is
 * rejected, traced and dead-lettered exactly once; a replayed valid envelope is deduplicated
 * (or late, for an actor that has finished), never rejected.
 */
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runTeam } from '@llm-teams/agents';
import { jetstreamManager, teamResourceNames, type NatsConnection } from '@llm-teams/broker';
import {
  decodeFrame,
  serveFaultControlWith,
  type FaultControlServer,
  type RejectTrace,
  type TraceEvent,
} from '@llm-teams/runtime';
import {
  badMessageArb,
  expectRejected,
  subjectOf,
  teamTargets,
  type BadMessage,
} from '../support/bad-messages.js';
import { startNatsFixture, type NatsFixture } from '@llm-teams/testkit';
import { tinyTeamRun } from '@llm-teams/testkit';

const MEMBERS = ['a1', 'a2', 'coord1', 'coord2'];

/** Records the team's own valid frames on its inboxes and topics, for replay. */
function captureTeam(nc: NatsConnection, team: string) {
  const frames: { subject: string; data: Uint8Array; envelopes: number }[] = [];
  const sub = nc.subscribe(`llmt.${team}.>`, {
    callback: (_err, msg) => {
      if (!/\.(actor|topic)\./.test(msg.subject)) return;
      let ok = true;
      let envelopes = 0;
      decodeFrame(
        msg.data,
        (env) => {
          envelopes++;
          if (!MEMBERS.includes(env.from) && env.from !== 'director') ok = false;
        },
        () => (ok = false),
      );
      if (ok && envelopes > 0) frames.push({ subject: msg.subject, data: msg.data, envelopes });
    },
  });
  return { frames, stop: () => sub.unsubscribe() };
}

describe('fuzzing a team run', () => {
  let nats: NatsFixture;
  let nc: NatsConnection;
  let stranger: NatsConnection;
  beforeAll(async () => {
    nats = await startNatsFixture();
    nc = await nats.connect('team');
    stranger = await nats.connect('stranger');
  });
  afterAll(async () => {
    await nats.close();
  });

  async function fuzzRun(
    team: string,
    seed: number,
    messages: BadMessage[],
    replays: (number | undefined)[],
    expected: number,
  ) {
    const capture = captureTeam(stranger, team);
    await stranger.flush();
    const events: TraceEvent[] = [];
    let server: FaultControlServer | undefined;
    let publishing: Promise<void> = Promise.resolve();
    let publishedBeforeEnd = false;
    let replayedDirect = 0;
    const result = await runTeam({
      nc,
      team,
      ...tinyTeamRun({ n: 6, chain: 3, agents: 2, seed, timeScale: 0.01 }),
      trace: { write: (e) => void events.push(e) },
      deadlineMs: 60_000,
      onStarted: async (running) => {
        server = await serveFaultControlWith({
          nc,
          subjects: running.host.subjects,
          node: 'fuzz',
          handle: () => ({ node: 'fuzz', ok: true }),
          onReject: (subject, data, reason) => running.host.deadLetter(subject, data, reason),
        });
        // While the team works: the bad messages, with replays of its own frames between them.
        publishing = (async () => {
          for (let i = 0; i < messages.length; i++) {
            const m = messages[i]!;
            stranger.publish(subjectOf(team, m.target), m.data);
            const pick = replays[i];
            if (pick !== undefined && capture.frames.length > 0) {
              const frame = capture.frames[pick % capture.frames.length]!;
              stranger.publish(frame.subject, frame.data);
              if (frame.subject.includes('.actor.')) replayedDirect += frame.envelopes;
            }
            if (i % 8 === 7) await new Promise((r) => setImmediate(r));
          }
          await stranger.flush();
          // The run must still be going when the last bad message has been looked at (its
          // end stops the durable consumers); a run that ends first is too short a test.
          const host = running.host;
          while (host.stats.rejected < expected && host.actorIds().length > 0) {
            await new Promise((r) => setTimeout(r, 5));
          }
          publishedBeforeEnd = host.actorIds().length > 0;
        })();
      },
    });
    await publishing;
    await server?.close();
    capture.stop();
    const stream = teamResourceNames({ team }).dlqStream;
    const dlq = (await (await jetstreamManager(stranger)).streams.info(stream)).state.messages;
    return { result, events, dlq, publishedBeforeEnd, replayedDirect };
  }

  // One team per run (a team's streams and board outlive it), so each seed is its own property.
  for (const run of [1, 2, 3]) {
    it(`run ${run}: completes, and rejects = dead letters = the bad messages it heard, under garbage and replays`, async () => {
      const team = `fuzz${run}`;
      await fc.assert(
        fc.asyncProperty(
          fc.array(badMessageArb(team, teamTargets(MEMBERS, ['team'])), {
            minLength: 30,
            maxLength: 60,
          }),
          fc.array(fc.option(fc.nat(), { freq: 3, nil: undefined }), {
            minLength: 60,
            maxLength: 60,
          }),
          async (messages, replays) => {
            const expected = messages.filter((m) => expectRejected(team, m)).length;
            const r = await fuzzRun(team, run, messages, replays, expected);
            const s = r.result.hostStats;
            expect(r.result.status, r.result.reason).toBe('completed');
            expect(r.publishedBeforeEnd).toBe(true);
            expect(s.rejected).toBe(expected);
            expect(s.deadLettered).toBe(expected);
            const rejects = r.events.filter((e): e is RejectTrace => e.kind === 'reject');
            expect(rejects).toHaveLength(expected);
            expect(r.dlq).toBe(expected);
            // Every replayed direct message reached an actor that had processed it already.
            expect(s.duplicates + s.late).toBeGreaterThanOrEqual(r.replayedDirect);
          },
        ),
        // One run, no shrinking: a rerun would reuse the team's leftovers.
        { numRuns: 1, seed: 20_261_206 + run, endOnFailure: true },
      );
    });
  }
});
