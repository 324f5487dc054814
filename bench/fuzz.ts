/**
 * `npm run bench:fuzz [-- --messages N --seed S --time-scale X --json]`: a team run on an embedded
 * nats-server while a stranger publishes N bad messages (default 10,000: random, truncated,
 * bit-flipped, oversize and wrong-typed envelopes, JSON, empty payloads) over every subject
 * the team listens on. Every one of them is one the team must refuse (messages a decoder would
 * accept are drawn again). Prints whether the run completed, the messages sent, the host's
 * rejects and dead letters, the dead-letter stream's count, and the host process's resident
 * memory before, at its peak during, and after the flood. Target: completed, rejects = dead
 * letters = sent, RSS flat. Figures, not assertions.
 */
import fc from 'fast-check';
import { runTeam } from '@llm-teams/agents';
import {
  connectNats,
  jetstreamManager,
  startNatsServer,
  teamResourceNames,
} from '@llm-teams/broker';
import { serveFaultControlWith, type FaultControlServer } from '@llm-teams/runtime';
import {
  badMessageArb,
  expectRejected,
  subjectOf,
  teamTargets,
  type BadMessage,
} from '../test/support/bad-messages.js';
import { tinySuite } from '@llm-teams/testkit';
import { argValue, json, log } from './bench-args.js';

const COUNT = argValue('--messages', 10_000);
const SEED = argValue('--seed', 1);
/** Model time compression: slower runs give the flood longer to land mid-run. */
const TIME_SCALE = argValue('--time-scale', 0.05);
const MEMBERS = ['a1', 'a2', 'coord1', 'coord2'];
const team = `fuzzbench${SEED}`;
const mb = (bytes: number) => Math.round((bytes / 1024 / 1024) * 10) / 10;

/** N messages the team must refuse, drawn from the fuzzing arbitraries with a fixed seed. */
function draw(): BadMessage[] {
  const targets = teamTargets(MEMBERS, ['team']).filter((t) => t.kind !== 'trace');
  const arb = badMessageArb(team, targets);
  const out: BadMessage[] = [];
  for (let round = 0; out.length < COUNT; round++) {
    const batch = fc.sample(arb, { numRuns: COUNT, seed: SEED * 1000 + round });
    for (const m of batch) if (out.length < COUNT && expectRejected(team, m)) out.push(m);
  }
  return out;
}

const messages = draw();
const bytes = messages.reduce((n, m) => n + m.data.length, 0);
log(`fuzz bench: ${COUNT} bad messages (${mb(bytes)} MB) into a running team, seed ${SEED}`);

const server = await startNatsServer();
const nc = await connectNats({ servers: server.url, name: 'team' });
const stranger = await connectNats({ servers: server.url, name: 'stranger' });
let rssPeak = 0;
const sampler = setInterval(() => {
  rssPeak = Math.max(rssPeak, process.memoryUsage().rss);
}, 20);
let rssBefore = 0;
let floodMs = 0;
let floodDone = false;
let control: FaultControlServer | undefined;
let flooding: Promise<void> = Promise.resolve();
const t0 = performance.now();
const result = await runTeam({
  nc,
  team,
  suite: tinySuite({ n: 8, chain: 4 }),
  arch: 'centralized',
  agents: 2,
  model: 'sim:gpt-5.2',
  seed: SEED,
  timeScale: TIME_SCALE,
  deadlineMs: 300_000,
  onStarted: async (running) => {
    control = await serveFaultControlWith({
      nc,
      subjects: running.host.subjects,
      node: 'bench',
      handle: () => ({ node: 'bench', ok: true }),
      onReject: (subject, data, reason) => running.host.deadLetter(subject, data, reason),
    });
    flooding = (async () => {
      global.gc?.();
      rssBefore = process.memoryUsage().rss;
      rssPeak = rssBefore;
      const f0 = performance.now();
      for (let i = 0; i < messages.length; i++) {
        const m = messages[i]!;
        stranger.publish(subjectOf(team, m.target), m.data);
        if (i % 100 === 99) await stranger.flush();
      }
      await stranger.flush();
      const host = running.host;
      while (host.stats.rejected < messages.length && host.actorIds().length > 0) {
        await new Promise((r) => setTimeout(r, 10));
      }
      floodMs = performance.now() - f0;
      floodDone = host.actorIds().length > 0;
    })();
  },
});
await flooding;
await control?.close();
const wallMs = performance.now() - t0;
clearInterval(sampler);
global.gc?.();
const rssAfter = process.memoryUsage().rss;
const dlq = (
  await (await jetstreamManager(stranger)).streams.info(teamResourceNames({ team }).dlqStream)
).state.messages;
const figures = {
  completed: result.status === 'completed',
  status: result.status,
  messagesSent: messages.length,
  bytesSent: bytes,
  rejects: result.hostStats.rejected,
  deadLettered: result.hostStats.deadLettered,
  dlqCount: dlq,
  floodHandledWhileRunning: floodDone,
  floodMs: Math.round(floodMs),
  wallMs: Math.round(wallMs),
  rssBeforeMb: mb(rssBefore),
  rssPeakMb: mb(rssPeak),
  rssAfterMb: mb(rssAfter),
  seed: SEED,
  node: process.version,
};
if (json) console.log(JSON.stringify(figures));
else {
  log(
    `run completed:        ${figures.completed} (${result.status}${result.reason ? `: ${result.reason}` : ''})`,
  );
  log(`messages sent:        ${figures.messagesSent}`);
  log(`rejects:              ${figures.rejects}`);
  log(`dead letters:         ${figures.deadLettered} (host), ${figures.dlqCount} (DLQ stream)`);
  log(`flood handled in:     ${figures.floodMs} ms, while the team ran: ${floodDone}`);
  log(
    `host RSS (MB):        before ${figures.rssBeforeMb}, peak ${figures.rssPeakMb}, after ${figures.rssAfterMb}`,
  );
}
await stranger.close();
await nc.close();
await server.close();
