/**
 * `npm run bench:soak-host [-- --seconds N --rate R --dedup-window W --json]`: one actor host under a steady
 * stream of good and bad messages for N seconds (default 1800: half an hour), its heap sampled
 * after a forced GC. Good traffic covers every structure the runtime bounds: fresh ids (dedup
 * windows), requests answered (reply caches), asks nobody answers (pending asks, each ending
 * at its deadline), at-least-once jobs (the durable inbox), broadcasts; bad traffic is the
 * fuzzing arbitraries' garbage on the same subjects (rejects, dead letters). Prints the heap
 * after warm-up, at the end and its slope; the message counts. Target: heap flat.
 */
import fc from 'fast-check';
import { assign, setup } from 'xstate';
import { connectNats, jetstreamManager, provisionTeam, startNatsServer } from '@llm-teams/broker';
import {
  ask,
  createActorHost,
  createEnvelope,
  encodeEnvelope,
  reply,
  type MessageEvent,
} from '@llm-teams/runtime';
import {
  badMessageArb,
  expectRejected,
  subjectOf,
  type FuzzTarget,
} from '../test/support/bad-messages.js';
import { argValue, json, log } from './bench-args.js';

const SECONDS = argValue('--seconds', 1800);
/** Good messages per second; as many bad ones. */
const RATE = argValue('--rate', 2000);
/** The host's dedup window: a huge one shows what an unbounded structure does to the heap. */
const DEDUP_WINDOW = argValue('--dedup-window', 1024);
const SAMPLE_MS = Math.max(500, Math.min(30_000, (SECONDS * 1000) / 60));
const TICK_MS = 20;
const team = 'soak';
const gc = () => (global.gc ? global.gc() : undefined);
const mb = (bytes: number) => Math.round((bytes / 1024 / 1024) * 100) / 100;

type Ev =
  | MessageEvent<'count.add' | 'news.item' | 'job.run', { n: number }>
  | MessageEvent<'q.ask', { n: number }>
  | MessageEvent<'ghost.reply', unknown>
  | { type: 'ask.failed' };

const worker = setup({
  types: { context: {} as { n: number; failedAsks: number }, events: {} as Ev },
}).createMachine({
  context: { n: 0, failedAsks: 0 },
  on: {
    'count.add': [
      // Every 50th message the worker asks someone who never answers: pending asks that end at
      // their deadline.
      {
        guard: ({ event }) => (event as { body: { n: number } }).body.n % 50 === 0,
        actions: [
          assign({ n: ({ context }) => context.n + 1 }),
          ask('ghost', 'ghost.ask', {}, { timeoutMs: 2000, attemptTimeoutMs: 1000 }),
        ],
      },
      { actions: assign({ n: ({ context }) => context.n + 1 }) },
    ],
    'news.item': { actions: assign({ n: ({ context }) => context.n + 1 }) },
    'job.run': { actions: assign({ n: ({ context }) => context.n + 1 }) },
    'q.ask': { actions: reply('q.answer', { ok: true }) },
    'ask.failed': { actions: assign({ failedAsks: ({ context }) => context.failedAsks + 1 }) },
  },
});

const server = await startNatsServer();
const nc = await connectNats({ servers: server.url, name: 'host' });
const load = await connectNats({ servers: server.url, name: 'load' });
const resources = await provisionTeam(nc, { team, storage: 'memory' });
const host = await createActorHost({
  nc,
  team,
  node: 'soak',
  seed: 1,
  dedupWindow: DEDUP_WINDOW,
  delivery: { types: { 'job.run': 'at-least-once' } },
});
const w = await host.spawn('worker', worker, { durable: true, topics: ['news'] });

const targets: FuzzTarget[] = [
  { kind: 'inbox', actor: 'worker' },
  { kind: 'durable', actor: 'worker' },
  { kind: 'topic', topic: 'news' },
];
// A pool of garbage, cycled (drawing anew each tick would measure fast-check).
const garbage = fc
  .sample(badMessageArb(team, targets), { numRuns: 2000, seed: 7 })
  .filter((m) => m.data.length < 4096 && expectRejected(team, m))
  .map((m) => ({ subject: subjectOf(team, m.target), data: m.data }));

let seq = 0;
let goodSent = 0;
let badSent = 0;
const good = (type: string, to: string, n: number) =>
  encodeEnvelope(
    createEnvelope({
      id: `g-${n}`,
      team,
      from: 'client',
      to,
      type,
      lamport: n,
      seq: n,
      attempt: 1,
      sentAt: Date.now(),
      body: { n },
    }),
  );

function tick(): void {
  const per = Math.max(1, Math.round((RATE * TICK_MS) / 1000));
  for (let i = 0; i < per; i++) {
    const n = ++seq;
    const k = n % 20;
    if (k === 0)
      load.publish(resources.subjects.durableInbox('worker'), good('job.run', 'worker', n));
    else if (k === 1) load.publish(resources.subjects.topic('news'), good('news.item', '#news', n));
    else if (k === 2) load.publish(resources.subjects.inbox('worker'), good('q.ask', 'worker', n));
    else load.publish(resources.subjects.inbox('worker'), good('count.add', 'worker', n));
    goodSent++;
    const bad = garbage[n % garbage.length]!;
    load.publish(bad.subject, bad.data);
    badSent++;
  }
}

const samples: { atS: number; heapMb: number; rssMb: number }[] = [];
const started = performance.now();
const sample = () => {
  gc();
  const m = process.memoryUsage();
  samples.push({
    atS: Math.round((performance.now() - started) / 100) / 10,
    heapMb: mb(m.heapUsed),
    rssMb: mb(m.rss),
  });
  log(
    `${samples.at(-1)!.atS}s heap ${samples.at(-1)!.heapMb} MB rss ${samples.at(-1)!.rssMb} MB, rejects ${host.stats.rejected}`,
  );
};
log(`soak: one host, ${RATE} good + ${RATE} bad messages/s for ${SECONDS} s`);
sample();
let nextSample = SAMPLE_MS;
while (performance.now() - started < SECONDS * 1000) {
  tick();
  await load.flush();
  await new Promise((r) => setTimeout(r, TICK_MS));
  if (performance.now() - started >= nextSample) {
    sample();
    nextSample += SAMPLE_MS;
  }
}
// Let what is in flight land (up to 20 s), then the last sample.
await load.flush();
const handledNow = () => (w.getSnapshot() as unknown as { context: { n: number } }).context.n;
const requests = Math.floor(goodSent / 20);
for (
  let i = 0;
  i < 1000 && (host.stats.rejected < badSent || handledNow() < goodSent - requests);
  i++
) {
  await new Promise((r) => setTimeout(r, 20));
}
sample();

// The heap's trend after warm-up (the first quarter): least squares over the samples.
const steady = samples.filter((s) => s.atS >= SECONDS / 4);
const meanT = steady.reduce((a, s) => a + s.atS, 0) / steady.length;
const meanH = steady.reduce((a, s) => a + s.heapMb, 0) / steady.length;
const slope =
  steady.reduce((a, s) => a + (s.atS - meanT) * (s.heapMb - meanH), 0) /
  Math.max(
    1e-9,
    steady.reduce((a, s) => a + (s.atS - meanT) ** 2, 0),
  );
const ctx = (w.getSnapshot() as unknown as { context: { n: number; failedAsks: number } }).context;
const dlq = (await (await jetstreamManager(load)).streams.info(resources.dlqStream)).state.messages;
const figures = {
  seconds: SECONDS,
  rate: RATE,
  goodSent,
  badSent,
  handled: ctx.n,
  failedAsks: ctx.failedAsks,
  pendingAsks: w.pendingAsks,
  rejects: host.stats.rejected,
  deadLettered: host.stats.deadLettered,
  dlqStreamMessages: dlq,
  heapAfterWarmupMb: steady[0]?.heapMb ?? samples[0]!.heapMb,
  heapEndMb: samples.at(-1)!.heapMb,
  heapSlopeMbPerMin: Math.round(slope * 60 * 1000) / 1000,
  rssEndMb: samples.at(-1)!.rssMb,
  samples,
};
if (json) console.log(JSON.stringify(figures));
else {
  log(
    `good sent ${goodSent}, handled ${ctx.n}; bad sent ${badSent}, rejects ${figures.rejects}, DLQ stream ${dlq}`,
  );
  log(
    `heap after warm-up ${figures.heapAfterWarmupMb} MB, at the end ${figures.heapEndMb} MB, slope ${figures.heapSlopeMbPerMin} MB/min`,
  );
}
await host.close();
await load.close();
await nc.close();
await server.close();
