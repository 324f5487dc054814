/**
 * `npm run bench [-- --json]`: the runtime against raw nats.js, in one run on one embedded
 * nats-server. Figures, not assertions: timing targets live here, never in tests.
 *
 *   rawPubSubMsgsPerSec   nats.js publish -> subscription callback, two connections
 *   tellMsgsPerSec        actor tell across two hosts (two connections) into a minimal xstate
 *                         actor: the runtime's path (envelope, codec, batching, Lamport, dedup)
 *   tellMachineMsgsPerSec the same into a state machine: adds xstate's statechart step
 *   xstateMachineEventUs  that step alone: createActor + send into the receiver machine, no
 *                         NATS, no runtime (what no runtime can take off the machine path)
 *   tellTracedMsgsPerSec  tell into the minimal actor, both hosts recording every send and
 *                         receive to a trace file (the recorder of every run: writer thread,
 *                         redaction)
 *   rawRequestP50Us/P99   nats.js request / respond round trip
 *   askP50Us/P99          actor ask -> machine reply -> reply event at the asking machine
 *   heapBytesPerIdleActor 10,000 idle actors in one host
 */
import { createActor, fromTransition, setup, type AnyActorLogic } from 'xstate';
import { connectNats, startNatsServer, type NatsConnection } from '@llm-teams/broker';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  ask,
  createActorHost,
  createEnvelope,
  createTraceRecorder,
  encodeEnvelope,
  reply,
  runtimeOf,
  type ActorHostOptions,
  type MessageEvent,
} from '@llm-teams/runtime';
import { json, log } from './bench-args.js';

const quick = process.argv.includes('--quick');

const MESSAGES = quick ? 50_000 : 200_000;
const ROUNDS = quick ? 1 : 3;
const BURST = 1000;
const REQUESTS = quick ? 2_000 : 10_000;
const IDLE_ACTORS = 10_000;

const yieldToIo = () => new Promise<void>((resolve) => setImmediate(resolve));
const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;
const percentile = (xs: number[], p: number) => {
  const sorted = [...xs].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))]!;
};

// A body like a small coordination message, so both paths carry the same bytes.
const body = { taskId: 't07', note: 'ready' };
const samplePayload = encodeEnvelope(
  createEnvelope({
    id: 'abcdefghij-1x2y',
    team: 'bench',
    from: 'sender',
    to: 'receiver',
    type: 'bench.msg',
    lamport: 123456,
    seq: 654321,
    attempt: 1,
    sentAt: Date.now(),
    body,
  }),
);

async function rawPubSub(a: NatsConnection, b: NatsConnection): Promise<number> {
  let got = 0;
  let done!: () => void;
  const finished = new Promise<void>((resolve) => (done = resolve));
  const sub = b.subscribe('rawbench.*', {
    callback: () => {
      if (++got === MESSAGES) done();
    },
  });
  await b.flush();
  const t0 = performance.now();
  for (let i = 0; i < MESSAGES; i += BURST) {
    for (let j = 0; j < BURST; j++) a.publish('rawbench.receiver', samplePayload);
    await yieldToIo();
  }
  await finished;
  const dt = performance.now() - t0;
  sub.unsubscribe();
  return (MESSAGES / dt) * 1000;
}

/*
 * The two receivers. Raw's subscription callback counts; so does the minimal actor, an xstate
 * transition actor, which is what the runtime's own cost is measured with. The state machine
 * adds xstate's statechart macrostep (about 1.1 us per event, measured alone): the figure for
 * a real agent's inbox, reported beside it.
 */
type Receiver = 'minimal' | 'machine';
const receiverLogic = (kind: Receiver, onCount: () => void): AnyActorLogic =>
  kind === 'minimal'
    ? fromTransition((count: number, _event: MessageEvent<'bench.msg', typeof body>) => {
        onCount();
        return count + 1;
      }, 0)
    : setup({ types: { events: {} as MessageEvent<'bench.msg', typeof body> } }).createMachine({
        on: { 'bench.msg': { actions: onCount } },
      });

const senderMachine = setup({
  types: { events: {} as { type: 'burst'; n: number } },
}).createMachine({
  on: {
    burst: {
      actions: ({ event, system }) => {
        const rt = runtimeOf(system);
        for (let i = 0; i < event.n; i++) rt.tell('receiver', 'bench.msg', body);
      },
    },
  },
});

async function tell(
  a: NatsConnection,
  b: NatsConnection,
  team: string,
  receiver: Receiver,
  extra: Partial<ActorHostOptions> = {},
): Promise<number> {
  const hostA = await createActorHost({ nc: a, team, node: 'A', seed: 1, ...extra });
  const hostB = await createActorHost({ nc: b, team, node: 'B', seed: 2, ...extra });
  let got = 0;
  let done!: () => void;
  const finished = new Promise<void>((resolve) => (done = resolve));
  await hostB.spawn(
    'receiver',
    receiverLogic(receiver, () => {
      if (++got === MESSAGES) done();
    }),
  );
  const sender = await hostA.spawn('sender', senderMachine);
  const t0 = performance.now();
  for (let i = 0; i < MESSAGES; i += BURST) {
    sender.send({ type: 'burst', n: BURST });
    await yieldToIo();
  }
  await finished;
  const dt = performance.now() - t0;
  await hostA.close();
  await hostB.close();
  return (MESSAGES / dt) * 1000;
}

/** xstate's own cost per event into the benchmark's receiver machine, best of the rounds. */
function xstateMachineEvent(): number {
  let count = 0;
  const actor = createActor(receiverLogic('machine', () => count++));
  actor.start();
  const event = { type: 'bench.msg', body, envelope: undefined };
  let best = Infinity;
  for (let r = 0; r < ROUNDS + 1; r++) {
    const t0 = performance.now();
    for (let i = 0; i < MESSAGES; i++) actor.send(event);
    best = Math.min(best, ((performance.now() - t0) * 1000) / MESSAGES);
  }
  actor.stop();
  if (count !== MESSAGES * (ROUNDS + 1)) throw new Error('the machine missed events');
  return best;
}

async function rawRequest(a: NatsConnection, b: NatsConnection): Promise<number[]> {
  const sub = b.subscribe('rawreq.responder', {
    callback: (_err, msg) => {
      msg.respond(samplePayload);
    },
  });
  await b.flush();
  const lat: number[] = [];
  for (let i = 0; i < REQUESTS; i++) {
    const t0 = performance.now();
    await a.request('rawreq.responder', samplePayload, { timeout: 5000 });
    lat.push((performance.now() - t0) * 1000);
  }
  sub.unsubscribe();
  return lat.slice(Math.floor(REQUESTS / 10));
}

async function actorAsk(a: NatsConnection, b: NatsConnection, team: string): Promise<number[]> {
  const hostA = await createActorHost({ nc: a, team, node: 'A', seed: 3 });
  const hostB = await createActorHost({ nc: b, team, node: 'B', seed: 4 });
  await hostB.spawn(
    'responder',
    setup({ types: { events: {} as MessageEvent<'bench.ask', typeof body> } }).createMachine({
      on: { 'bench.ask': { actions: reply('bench.answer', body) } },
    }),
  );
  let answered: () => void = () => undefined;
  const asker = await hostA.spawn(
    'asker',
    setup({
      types: { events: {} as { type: 'go' } | MessageEvent<'bench.answer', typeof body> },
    }).createMachine({
      on: {
        go: { actions: ask('responder', 'bench.ask', body, { timeoutMs: 5000 }) },
        'bench.answer': { actions: () => answered() },
      },
    }),
  );
  const lat: number[] = [];
  for (let i = 0; i < REQUESTS; i++) {
    const replied = new Promise<void>((resolve) => (answered = resolve));
    const t0 = performance.now();
    asker.send({ type: 'go' });
    await replied;
    lat.push((performance.now() - t0) * 1000);
  }
  await hostA.close();
  await hostB.close();
  return lat.slice(Math.floor(REQUESTS / 10));
}

async function idleActorHeap(nc: NatsConnection): Promise<number> {
  const gc = (globalThis as { gc?: () => void }).gc;
  if (!gc) throw new Error('run the benchmark with node --expose-gc (npm run bench does)');
  const host = await createActorHost({ nc, team: 'heap', node: 'H', seed: 5 });
  const idle = setup({}).createMachine({
    initial: 'waiting',
    states: { waiting: { on: { 'work.assign': 'working' } }, working: {} },
  });
  await host.spawn('warm', idle);
  gc();
  gc();
  const before = process.memoryUsage().heapUsed;
  for (let i = 0; i < IDLE_ACTORS; i++) await host.spawn(`a${i}`, idle);
  gc();
  gc();
  const after = process.memoryUsage().heapUsed;
  await host.close();
  return (after - before) / IDLE_ACTORS;
}

async function main(): Promise<void> {
  const server = await startNatsServer();
  const a = await connectNats({ servers: server.url, name: 'bench-a' });
  const b = await connectNats({ servers: server.url, name: 'bench-b' });
  const traceDir = mkdtempSync(join(tmpdir(), 'llmt-bench-'));
  try {
    log(
      `nats-server ${server.url}; ${MESSAGES} messages x ${ROUNDS} rounds; payload ${samplePayload.length} bytes`,
    );
    // Warm-up: JIT both paths before measuring.
    await rawPubSub(a, b);
    await tell(a, b, 'warm', 'minimal');
    await tell(a, b, 'warmm', 'machine');
    const raw: number[] = [];
    const tells: number[] = [];
    const machines: number[] = [];
    const traced: number[] = [];
    const unbatched: number[] = [];
    for (let r = 0; r < ROUNDS; r++) {
      raw.push(await rawPubSub(a, b));
      tells.push(await tell(a, b, `t${r}`, 'minimal'));
      machines.push(await tell(a, b, `tm${r}`, 'machine'));
      const trace = createTraceRecorder({ file: join(traceDir, `tr${r}.jsonl`) });
      traced.push(await tell(a, b, `tr${r}`, 'minimal', { trace }));
      await trace.close();
      unbatched.push(await tell(a, b, `tu${r}`, 'minimal', { batch: false }));
    }
    await rawRequest(a, b);
    await actorAsk(a, b, 'askwarm');
    const rawLat = await rawRequest(a, b);
    const askLat = await actorAsk(a, b, 'ask');
    const xstateUs = xstateMachineEvent();
    const heap = await idleActorHeap(a);

    const result = {
      rawPubSubMsgsPerSec: Math.round(median(raw)),
      tellMsgsPerSec: Math.round(median(tells)),
      tellRatio: +(median(tells) / median(raw)).toFixed(3),
      tellMachineMsgsPerSec: Math.round(median(machines)),
      tellMachineRatio: +(median(machines) / median(raw)).toFixed(3),
      xstateMachineEventUs: +xstateUs.toFixed(3),
      rawPubSubUsPerMsg: +(1e6 / median(raw)).toFixed(3),
      tellTracedMsgsPerSec: Math.round(median(traced)),
      tellTracedRatio: +(median(traced) / median(raw)).toFixed(3),
      tellUnbatchedMsgsPerSec: Math.round(median(unbatched)),
      tellUnbatchedRatio: +(median(unbatched) / median(raw)).toFixed(3),
      rawRequestP50Us: Math.round(percentile(rawLat, 50)),
      rawRequestP99Us: Math.round(percentile(rawLat, 99)),
      askP50Us: Math.round(percentile(askLat, 50)),
      askP99Us: Math.round(percentile(askLat, 99)),
      askRatio: +(percentile(askLat, 50) / percentile(rawLat, 50)).toFixed(3),
      heapBytesPerIdleActor: Math.round(heap),
      payloadBytes: samplePayload.length,
      messages: MESSAGES,
      rounds: ROUNDS,
      node: process.version,
    };
    if (json) console.log(JSON.stringify(result));
    else {
      console.table(result);
      const targets = [
        ['tellRatio >= 0.6', result.tellRatio >= 0.6],
        ['tellTracedRatio >= 0.3', result.tellTracedRatio >= 0.3],
        ['askRatio <= 1.3', result.askRatio <= 1.3],
        ['heapBytesPerIdleActor <= 20000', result.heapBytesPerIdleActor <= 20_000],
      ] as const;
      for (const [name, ok] of targets) console.log(`${ok ? 'met   ' : 'MISSED'} ${name}`);
    }
  } finally {
    rmSync(traceDir, { recursive: true, force: true });
    await a.close();
    await b.close();
    await server.close();
  }
}

await main();
