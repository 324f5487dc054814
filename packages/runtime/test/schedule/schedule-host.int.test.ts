import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { assign, setup } from 'xstate';
import { createTeamSubjects, type NatsConnection } from '@llm-teams/broker';
import {
  createActorHost,
  createRandomWalkStrategy,
  createReplayStrategy,
  createScheduleController,
  createScheduleDriver,
  createVirtualClock,
  natsScheduleDecider,
  runRuntimeCheckers,
  runtimeOf,
  serveScheduleController,
  type MessageEvent,
  type ScheduleChoice,
  type ScheduleStrategy,
  type TraceEvent,
} from '@llm-teams/runtime';
import { startNatsFixture, type NatsFixture } from '@llm-teams/testkit';

/** Relays each `hop` to the next actor until the count runs out. */
const relay = setup({
  types: {
    context: {} as { next: string },
    input: {} as { next: string },
    events: {} as MessageEvent<'hop', { left: number }>,
  },
}).createMachine({
  context: ({ input }) => ({ next: input.next }),
  on: {
    hop: {
      actions: ({ event, context, system }) => {
        if (event.body.left > 0) {
          runtimeOf(system).tell(context.next, 'hop', { left: event.body.left - 1 });
        }
      },
    },
  },
});

/** Sends `tick` to `a` every 10 ms of (virtual) time, three times: xstate delays on the
 *  injected clock. */
const ticker = setup({ types: { context: {} as { n: number } } }).createMachine({
  context: { n: 0 },
  initial: 'waiting',
  states: {
    waiting: {
      after: {
        10: {
          guard: ({ context }) => context.n < 3,
          target: 'waiting',
          reenter: true,
          actions: [
            assign({ n: ({ context }) => context.n + 1 }),
            ({ system }) => runtimeOf(system).tell('a', 'tick', {}),
          ],
        },
      },
    },
  },
});

const EXPECTED_RECEIVES = 10 + 6 + 3;

describe('a host under a controlled schedule', () => {
  let nats: NatsFixture;
  let nc: NatsConnection;
  let teams = 0;
  beforeAll(async () => {
    nats = await startNatsFixture();
    nc = await nats.connect();
  });
  afterAll(async () => {
    await nats.close();
  });

  /** One run of the little system; returns its trace (team name replaced) and the choices. */
  async function run(strategy: ScheduleStrategy, overNats = false) {
    const team = `sched${teams++}`;
    const subjects = createTeamSubjects({ team });
    const clock = createVirtualClock();
    const controller = createScheduleController({ strategy });
    const served = overNats ? serveScheduleController(nc, subjects, controller) : undefined;
    const driver = createScheduleDriver({
      clock,
      decide: overNats ? natsScheduleDecider(nc, subjects) : (e) => controller.decide(e),
      flush: () => nc.flush(),
    });
    const events: TraceEvent[] = [];
    let receives = 0;
    const host = await createActorHost({
      nc,
      team,
      node: 'n',
      seed: 1,
      clock,
      deliveryGate: driver.deliveryGate,
      trace: {
        write(e) {
          events.push(e);
          if (e.kind === 'recv' && ++receives === EXPECTED_RECEIVES) driver.stop();
        },
      },
    });
    const a = await host.spawn('a', relay, { input: { next: 'b' } });
    await host.spawn('b', relay, { input: { next: 'c' } });
    const c = await host.spawn('c', relay, { input: { next: 'a' } });
    await host.spawn('t', ticker);
    const running = driver.run();
    a.runtime.tell('b', 'hop', { left: 9 });
    c.runtime.tell('a', 'hop', { left: 5 });
    const end = await running;
    driver.close();
    served?.close();
    await host.close();
    const trace = events.map((e) => JSON.stringify(e).replaceAll(team, '<team>'));
    return { end, events, trace, choices: [...controller.choices] as ScheduleChoice[] };
  }

  it('delivers every message as a step, keeps the runtime rules, and replays to the same trace', async () => {
    const first = await run(createRandomWalkStrategy({ seed: 5 }));
    expect(first.end.reason).toBe('stopped');
    expect(first.events.filter((e) => e.kind === 'recv').length).toBe(EXPECTED_RECEIVES);
    expect(first.choices.filter((c) => c.step.startsWith('time')).length).toBeGreaterThanOrEqual(3);
    const errors = runRuntimeCheckers(first.events).findings.filter((f) => f.severity === 'error');
    expect(errors).toEqual([]);
    // Virtual time: the ticks are 10 ms apart whatever the machine's speed.
    const ticks = first.events.filter(
      (e) => e.kind === 'send' && (e as { type?: string }).type === 'tick',
    );
    expect(ticks.map((e) => e.wall - ticks[0]!.wall)).toEqual([0, 10, 20]);

    for (let k = 0; k < 3; k++) {
      const again = await run(createReplayStrategy(first.choices));
      expect(again.end.reason).toBe('stopped');
      expect(again.trace).toEqual(first.trace);
    }
  });

  it('a controller served on NATS makes the same decisions as one in-process', async () => {
    const local = await run(createRandomWalkStrategy({ seed: 9 }));
    const remote = await run(createRandomWalkStrategy({ seed: 9 }), true);
    expect(remote.choices).toEqual(local.choices);
    expect(remote.trace).toEqual(local.trace);
    const replayed = await run(createReplayStrategy(local.choices), true);
    expect(replayed.trace).toEqual(local.trace);
  });

  it('different seeds give different interleavings of the same messages', async () => {
    const runs = await Promise.all(
      [1, 2, 3].map((s) => run(createRandomWalkStrategy({ seed: s }))),
    );
    const orders = new Set(runs.map((r) => r.choices.map((c) => c.step).join()));
    expect(orders.size).toBeGreaterThan(1);
    for (const r of runs) expect(r.events.filter((e) => e.kind === 'recv').length).toBe(19);
  });
});
