import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { assign, fromPromise, setup } from 'xstate';
import {
  checkFifo,
  checkLamport,
  createActorHost,
  createTraceIndex,
  createKvSnapshotStore,
  createMemoryTrace,
  type MessageEvent,
  type MessageInterceptor,
} from '@llm-teams/runtime';
import { deferred, startHostFixture, until, type HostFixture } from '@llm-teams/testkit';

/** Work done by handlers, outside the actors, so it survives their crashes. */
interface Ledger {
  started: string[];
  completed: string[];
  crashOnce: Set<string>;
}

function workerMachine(ledger: Ledger) {
  return setup({
    types: {
      context: {} as { done: number },
      events: {} as MessageEvent<'job.run', { job: string }>,
    },
    actors: {
      doWork: fromPromise<string, { job: string }>(async ({ input }) => {
        await Promise.resolve();
        if (ledger.crashOnce.delete(input.job)) throw new Error(`worker crashed on ${input.job}`);
        ledger.completed.push(input.job);
        return input.job;
      }),
    },
  }).createMachine({
    context: { done: 0 },
    initial: 'idle',
    states: {
      idle: {
        on: {
          'job.run': {
            target: 'working',
            actions: ({ event }) => ledger.started.push(event.body.job),
          },
        },
      },
      working: {
        // While busy the host holds the ack and sends in-progress acks instead.
        tags: ['busy'],
        invoke: {
          src: 'doWork',
          input: ({ event }) => ({
            job: (event as MessageEvent<'job.run', { job: string }>).body.job,
          }),
          onDone: { target: 'idle', actions: assign({ done: ({ context }) => context.done + 1 }) },
          // No onError: a failed job is an actor crash, which the supervisor handles.
        },
      },
    },
  });
}

describe('at-least-once delivery over JetStream', () => {
  let t: HostFixture;
  beforeEach(async () => {
    t = await startHostFixture({ team: 'alo' });
  });
  afterEach(() => t.close());

  it('redelivers a message whose handler crashed mid-work to the restarted actor', async () => {
    const ledger: Ledger = { started: [], completed: [], crashOnce: new Set(['j2']) };
    const trace = createMemoryTrace();
    const host = await t.host({
      node: 'w',
      trace,
      seed: 7,
      delivery: { types: { 'job.*': 'at-least-once' } },
      supervision: { maxRestarts: 3, backoff: { initialDelayMs: 10, maxDelayMs: 20 } },
    });
    await host.spawn('worker', workerMachine(ledger));
    const boss = await host.spawn('boss', setup({}).createMachine({}), { durable: false });
    for (const job of ['j1', 'j2', 'j3']) boss.runtime.tell('worker', 'job.run', { job });
    await until('all jobs completed', () => ledger.completed.length === 3);
    expect(ledger.completed).toEqual(['j1', 'j2', 'j3']);
    // j2 ran twice: once into the crash, once after the restart; the others once.
    expect(ledger.started).toEqual(['j1', 'j2', 'j2', 'j3']);
    const names = trace.events
      .filter((e) => e.kind === 'mark')
      .map((e) => (e as { name: string }).name);
    expect(names).toContain('actor.crashed');
    expect(names).toContain('actor.restarted');
    const j2recv = trace.events.filter(
      (e) => e.kind === 'recv' && e.actor === 'worker' && e.type === 'job.run',
    );
    expect(j2recv).toHaveLength(4);
    expect(j2recv.some((e) => (e as { redelivered?: boolean }).redelivered)).toBe(true);
  });

  it('retries a lost publish as the next attempt, traced as a send, so messages that overtook it break no FIFO promise', async () => {
    const ledger: Ledger = { started: [], completed: [], crashOnce: new Set() };
    const trace = createMemoryTrace();
    // j1's first publish never reaches the server (a server dying under it does the same):
    // j2 and j3 are stored before the retry of j1.
    let lost = false;
    const interceptor: MessageInterceptor = {
      outbound: (env) => {
        if ((env.body as { job?: string }).job !== 'j1' || lost) return undefined;
        lost = true;
        return { action: 'drop', fault: 'publish.lost' };
      },
    };
    const host = await t.host({
      node: 'w',
      trace,
      seed: 9,
      interceptor,
      delivery: { types: { 'job.*': 'at-least-once' } },
    });
    await host.spawn('worker', workerMachine(ledger));
    const boss = await host.spawn('boss', setup({}).createMachine({}), { durable: false });
    for (const job of ['j1', 'j2', 'j3']) boss.runtime.tell('worker', 'job.run', { job });
    await until('all jobs completed', () => ledger.completed.length === 3);
    expect(ledger.completed).toEqual(['j2', 'j3', 'j1']);
    // j1 was sent first.
    const first = trace.events.find((e) => e.kind === 'send' && e.actor === 'boss');
    const firstId = first?.kind === 'send' ? first.msgId : undefined;
    const j1 = (e: (typeof trace.events)[number]) =>
      (e.kind === 'send' || e.kind === 'recv') && e.msgId === firstId;
    const sends = trace.events.filter((e) => e.kind === 'send' && j1(e));
    expect(sends.map((e) => (e as { attempt: number }).attempt)).toEqual([1, 2]);
    const recv = trace.events.filter((e) => e.kind === 'recv' && j1(e));
    expect(recv.map((e) => (e as { attempt: number }).attempt)).toEqual([2]);
    const index = createTraceIndex(trace.events);
    expect(checkFifo(index)).toEqual([]);
    expect(checkLamport(index)).toEqual([]);
  });

  it('does not run completed work again when its ack is lost and JetStream redelivers', async () => {
    const ledger: Ledger = { started: [], completed: [], crashOnce: new Set() };
    const trace = createMemoryTrace();
    let lostAcks = 0;
    const interceptor: MessageInterceptor = {
      beforeAck: (env) => {
        if (env.body && (env.body as { job: string }).job === 'j1' && lostAcks === 0) {
          lostAcks++;
          return false;
        }
        return true;
      },
    };
    const redelivered = deferred();
    const host = await t.host({
      node: 'w',
      trace: {
        write: (e) => {
          trace.write(e);
          if (e.kind === 'recv' && e.dup && e.redelivered) redelivered.resolve();
        },
      },
      seed: 8,
      interceptor,
      delivery: { types: { 'job.run': 'at-least-once' } },
      durable: { ackWaitMs: 500 },
    });
    await host.spawn('worker', workerMachine(ledger));
    const boss = await host.spawn('boss', setup({}).createMachine({}), { durable: false });
    boss.runtime.tell('worker', 'job.run', { job: 'j1' });
    await redelivered.promise;
    expect(ledger.started).toEqual(['j1']);
    expect(ledger.completed).toEqual(['j1']);
    expect(trace.events.some((e) => e.kind === 'fault' && e.fault === 'ack.lost')).toBe(true);
    // The duplicate was acked this time: a later job still flows (max_ack_pending is 1).
    boss.runtime.tell('worker', 'job.run', { job: 'j2' });
    await until('j2 completed', () => ledger.completed.includes('j2'));
    expect(ledger.started).toEqual(['j1', 'j2']);
  });

  it("keeps a long handler's message with in-progress acks past the ack wait", async () => {
    const release = deferred();
    const started: string[] = [];
    const trace = createMemoryTrace();
    const slow = setup({
      types: { events: {} as MessageEvent<'job.run', { job: string }> },
      actors: { hold: fromPromise(() => release.promise) },
    }).createMachine({
      initial: 'idle',
      states: {
        idle: {
          on: {
            'job.run': { target: 'working', actions: ({ event }) => started.push(event.body.job) },
          },
        },
        working: { tags: ['busy'], invoke: { src: 'hold', onDone: 'idle' } },
      },
    });
    const host = await t.host({
      node: 'w',
      trace,
      seed: 10,
      delivery: { types: { 'job.run': 'at-least-once' } },
      durable: { ackWaitMs: 300, workingIntervalMs: 100 },
    });
    const w = await host.spawn('worker', slow);
    const boss = await host.spawn('boss', setup({}).createMachine({}), { durable: false });
    boss.runtime.tell('worker', 'job.run', { job: 'long' });
    // Six in-progress acks at 100 ms apart span twice the 300 ms ack wait.
    await until('in-progress acks', () => host.stats.inProgressAcks >= 6);
    release.resolve();
    await until(
      'idle again',
      () => w.getSnapshot().value === 'idle' && host.stats.inProgressAcks >= 6,
    );
    expect(started).toEqual(['long']);
    expect(trace.events.filter((e) => e.kind === 'recv' && e.actor === 'worker')).toHaveLength(1);
  });

  it('a restarted host recovers the processed ids from its checkpoint and skips redelivered work', async () => {
    const ledger: Ledger = { started: [], completed: [], crashOnce: new Set() };
    const snapshots = createKvSnapshotStore(await t.resources!.bucket('snapshots'));
    const interceptor: MessageInterceptor = { beforeAck: () => false };
    const options = {
      nc: t.nc,
      team: t.team,
      node: 'w',
      seed: 9,
      snapshots,
      delivery: { types: { 'job.run': 'at-least-once' as const } },
      durable: { ackWaitMs: 400 },
    };
    const first = await createActorHost({ ...options, interceptor });
    const boss = await first.spawn('boss', setup({}).createMachine({}), { durable: false });
    await first.spawn('worker', workerMachine(ledger));
    boss.runtime.tell('worker', 'job.run', { job: 'j1' });
    await until('j1 completed', () => ledger.completed.length === 1);
    // The checkpoint is written before the (lost) ack; the process "dies" now.
    await until('checkpoint saved', async () => (await snapshots.load('worker')) !== undefined);
    await first.close();
    const trace = createMemoryTrace();
    const second = await t.host({ ...options, trace });
    const w = await second.spawn('worker', workerMachine(ledger));
    await until('redelivery seen as duplicate', () =>
      trace.events.some((e) => e.kind === 'recv' && e.dup === true),
    );
    expect(ledger.started).toEqual(['j1']);
    expect((w.getSnapshot() as unknown as { context: { done: number } }).context.done).toBe(1);
  });

  it('two hosts drawing ids from one seed: the colliding publish is traced, not silently lost', async () => {
    const trace = createMemoryTrace();
    const delivery = { types: { 'job.run': 'at-least-once' as const } };
    const got: string[] = [];
    const sink = await t.host({ node: 'sink', seed: 9, delivery });
    await sink.spawn(
      'sink',
      setup({ types: { events: {} as MessageEvent<'job.run', { job: string }> } }).createMachine({
        on: { 'job.run': { actions: ({ event }) => void got.push(event.body.job) } },
      }),
    );
    // Same seed, so the same id sequence: the second host's first id repeats the first's.
    const senders = [];
    for (const node of ['p1', 'p2']) {
      const h = await t.host({ node, seed: 42, delivery, trace });
      senders.push(await h.spawn(`s-${node}`, setup({}).createMachine({})));
    }
    senders[0]!.runtime.tell('sink', 'job.run', { job: 'from-p1' });
    await until('first job', () => got.length === 1);
    senders[1]!.runtime.tell('sink', 'job.run', { job: 'from-p2' });
    await until('the collision mark', () =>
      trace.events.some((e) => e.kind === 'mark' && e.name === 'send.id-collision'),
    );
    const mark = trace.events.find((e) => e.kind === 'mark' && e.name === 'send.id-collision')!;
    expect(mark.actor).toBe('s-p2');
    expect(got).toEqual(['from-p1']);
  });
});
