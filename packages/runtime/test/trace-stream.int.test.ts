import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { jetstreamManager, provisionTeam, type NatsConnection } from '@llm-teams/broker';
import {
  createTraceRecorder,
  createTraceStreamPublisher,
  readTraceStream,
  type TraceEvent,
} from '@llm-teams/runtime';
import { startNatsFixture, type NatsFixture } from '@llm-teams/testkit';

const mark = (actor: string, node: string, i: number, text = ''): TraceEvent => ({
  kind: 'mark',
  name: `m${i}${text}`,
  actor,
  node,
  seq: i,
  lamport: i + 1,
  wall: 1_700_000_000_000 + i,
});

describe("the team's trace stream", () => {
  let nats: NatsFixture;
  let nc: NatsConnection;
  beforeAll(async () => {
    nats = await startNatsFixture();
    nc = await nats.connect();
  });
  afterAll(() => nats.close());

  it("holds every host's recorder chunks, in order, each host's end marked", async () => {
    const team = await provisionTeam(nc, { team: 'ts1', storage: 'memory' });
    const hosts = ['n1', 'n2'].map((node) => {
      const publisher = createTraceStreamPublisher({ nc, subject: team.subjects.trace, node });
      const recorder = createTraceRecorder({ live: publisher, flushIntervalMs: 1 });
      return { node, publisher, recorder };
    });
    for (let i = 0; i < 300; i++) {
      for (const h of hosts) h.recorder.write(mark(`a-${h.node}`, h.node, i));
      // Many small flushes: the publisher coalesces what waits into bigger messages.
      if (i % 7 === 0) for (const h of hosts) h.recorder.flush();
    }
    for (const h of hosts) {
      await h.recorder.close();
      await h.publisher.close();
      expect(h.publisher.stats.droppedBytes).toBe(0);
    }
    const read = await readTraceStream({ nc, stream: team.traceStream });
    expect(read.map((h) => [h.node, h.ended])).toEqual([
      ['n1', true],
      ['n2', true],
    ]);
    for (const h of read) expect(h.events.map((e) => e.seq)).toEqual([...Array(300).keys()]);
    const info = await (await jetstreamManager(nc)).streams.info(team.traceStream);
    expect(info.config.subjects).toEqual(['llmt.ts1.trace']);
    expect(info.config.max_msgs).toBeGreaterThan(0);
  });

  it('waits for a host still closing, and stops waiting for one that never will', async () => {
    const team = await provisionTeam(nc, { team: 'ts2', storage: 'memory' });
    const subject = team.subjects.trace;
    const killed = createTraceStreamPublisher({ nc, subject, node: 'killed' });
    killed.publish(
      subject,
      new TextEncoder().encode(JSON.stringify(mark('k', 'killed', 0)) + '\n'),
    );
    const late = createTraceStreamPublisher({ nc, subject, node: 'late' });
    late.publish(subject, new TextEncoder().encode(JSON.stringify(mark('l', 'late', 0)) + '\n'));
    // "late" closes while the reader waits; "killed" never closes.
    const reading = readTraceStream({
      nc,
      stream: team.traceStream,
      waitForEnds: true,
      quietMs: 1500,
    });
    const closing = (async () => {
      late.publish(subject, new TextEncoder().encode(JSON.stringify(mark('l', 'late', 1)) + '\n'));
      await late.close();
    })();
    const [read] = await Promise.all([reading, closing]);
    const byNode = Object.fromEntries(read.map((h) => [h.node, h]));
    expect(byNode['late']?.events.map((e) => e.seq)).toEqual([0, 1]);
    expect(byNode['late']?.ended).toBe(true);
    expect(byNode['killed']?.events).toHaveLength(1);
    expect(byNode['killed']?.ended).toBe(false);
  });

  it('keeps chunks queued while the stream is missing and stores them once it exists', async () => {
    const names = { team: 'ts3', storage: 'memory' as const };
    const subject = 'llmt.ts3.trace';
    const early = createTraceStreamPublisher({ nc, subject, node: 'early' });
    early.publish(subject, new TextEncoder().encode(JSON.stringify(mark('e', 'early', 0)) + '\n'));
    const team = await provisionTeam(nc, names);
    await early.close();
    expect(early.stats.retries).toBeGreaterThan(0);
    const read = await readTraceStream({ nc, stream: team.traceStream });
    expect(read[0]?.events).toHaveLength(1);
  });
});
