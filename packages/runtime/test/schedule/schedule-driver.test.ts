import { describe, expect, it } from 'vitest';
import {
  RuntimeError,
  createEnvelope,
  createFifoStrategy,
  createGuidedStrategy,
  createRandomWalkStrategy,
  createReplayStrategy,
  createScheduleController,
  createScheduleDriver,
  createVirtualClock,
  type InterceptDecision,
  type ScheduleDriver,
  type ScheduleStrategy,
} from '@llm-teams/runtime';

/**
 * A miniature system under schedule control, without NATS: actors that read-modify-write a
 * shared counter through the shared-state gate (the classic lost update), exchange messages
 * through the delivery gate and wait on the virtual clock.
 */
function counterRace(driver: ScheduleDriver, actors: string[]) {
  const kv = new Map<string, number>();
  const gate = driver.sharedStateGate;
  const get = (actor: string) =>
    gate({ store: 'kv', op: 'get', key: 'x', actor }, () => Promise.resolve(kv.get('x') ?? 0));
  const put = (actor: string, v: number) =>
    gate({ store: 'kv', op: 'put', key: 'x', actor }, () => {
      kv.set('x', v);
      return Promise.resolve();
    });
  const increment = async (actor: string) => put(actor, (await get(actor)) + 1);
  return { kv, done: Promise.all(actors.map(increment)) };
}

async function runRace(strategy: ScheduleStrategy, actors = ['a', 'b', 'c']) {
  const controller = createScheduleController({ strategy });
  const driver = createScheduleDriver({
    clock: createVirtualClock(),
    decide: (enabled) => controller.decide(enabled),
    flush: () => Promise.resolve(),
  });
  const running = driver.run();
  const race = counterRace(driver, actors);
  await race.done;
  driver.stop();
  const end = await running;
  driver.close();
  return { x: race.kv.get('x'), end, choices: [...controller.choices], controller };
}

describe('schedule driver', () => {
  it('the default order runs each actor without preemption: no lost update, no deviation', async () => {
    const r = await runRace(createFifoStrategy());
    expect(r.x).toBe(3);
    expect(r.end.reason).toBe('stopped');
    expect(r.choices.map((c) => c.step)).toEqual([
      'a#1 get kv/x',
      'a#2 put kv/x',
      'b#1 get kv/x',
      'b#2 put kv/x',
      'c#1 get kv/x',
      'c#2 put kv/x',
    ]);
    expect(r.controller.deviations).toEqual([]);
  });

  it('a random walk finds the lost update; replay and guided deviations reproduce it', async () => {
    let found: Awaited<ReturnType<typeof runRace>> | undefined;
    for (let seed = 0; seed < 50 && !found; seed++) {
      const r = await runRace(createRandomWalkStrategy({ seed }));
      if (r.x !== 3) found = r;
    }
    expect(found, 'no seed in 50 lost an update').toBeDefined();
    const replayed = await runRace(createReplayStrategy(found!.choices));
    expect(replayed.x).toBe(found!.x);
    expect(replayed.choices).toEqual(found!.choices);
    const guided = await runRace(createGuidedStrategy(found!.controller.deviations));
    expect(guided.choices).toEqual(found!.choices);
  });

  it('a replay that names a step the run does not offer winds down with SCHEDULE_DIVERGED', async () => {
    const windDowns: string[] = [];
    const controller = createScheduleController({
      strategy: createReplayStrategy([{ step: 'b#1 get kv/x' }, { step: 'nobody#9 get kv/x' }]),
    });
    const driver = createScheduleDriver({
      clock: createVirtualClock(),
      decide: (enabled) => controller.decide(enabled),
      flush: () => Promise.resolve(),
      onWindDown: (reason) => windDowns.push(reason),
    });
    const running = driver.run();
    await counterRace(driver, ['a', 'b']).done;
    driver.stop();
    const end = await running;
    expect(end.reason).toBe('error');
    expect(end.error).toBeInstanceOf(RuntimeError);
    expect((end.error as RuntimeError).code).toBe('SCHEDULE_DIVERGED');
    expect(windDowns).toEqual(['error']);
    expect(controller.choices).toEqual([{ step: 'b#1 get kv/x' }]);
  });

  it('holds deliveries: one step per message, FIFO per channel, drops as faults', async () => {
    const clock = createVirtualClock();
    const controller = createScheduleController({
      strategy: createRandomWalkStrategy({ seed: 3, drop: { probability: 0.3, max: 2 } }),
    });
    const driver = createScheduleDriver({
      clock,
      decide: (enabled) => controller.decide(enabled),
      flush: () => Promise.resolve(),
    });
    const got: string[] = [];
    const dropped: string[] = [];
    let outstanding = 0;
    let allReleased!: () => void;
    const released = new Promise<void>((r) => (allReleased = r));
    const send = (from: string, to: string, seq: number) => {
      const env = createEnvelope({
        id: `${from}-${seq}`,
        team: 't',
        from,
        to,
        type: 'm',
        lamport: seq,
        seq,
        attempt: 1,
        sentAt: clock.now(),
        body: null,
      });
      driver.deliveryGate.sent?.(env, 'at-most-once');
      outstanding++;
      const held = driver.deliveryGate.hold(env, to, 'at-most-once', (d?: InterceptDecision) => {
        (d?.action === 'drop' ? dropped : got).push(`${from}:${seq}`);
        if (--outstanding === 0) allReleased();
      });
      expect(held).toBe(true);
    };
    const running = driver.run();
    for (let i = 1; i <= 5; i++) send('a', 'z', i);
    for (let i = 1; i <= 5; i++) send('b', 'z', i);
    await released;
    driver.stop();
    await running;
    for (const from of ['a', 'b']) {
      const seqs = [...got, ...dropped]
        .filter((m) => m.startsWith(from))
        .map((m) => Number(m.split(':')[1]));
      expect(seqs.length).toBe(5);
    }
    // Each sender's messages were released in the order sent.
    for (const from of ['a', 'b']) {
      const order = controller.choices
        .map((c) => c.step)
        .filter((id) => id.startsWith(`z<${from}`))
        .map((id) => Number(id.split(':')[1]));
      expect(order).toEqual([1, 2, 3, 4, 5]);
    }
    expect(dropped.length).toBe(controller.choices.filter((c) => c.action === 'drop').length);
    expect(dropped.length).toBeLessThanOrEqual(2);
  });

  it('time advances only as a step: timers fire in due order, their id names the instant', async () => {
    const clock = createVirtualClock({ startMs: 0 });
    const controller = createScheduleController({ strategy: createFifoStrategy() });
    const driver = createScheduleDriver({
      clock,
      decide: (enabled) => controller.decide(enabled),
      flush: () => Promise.resolve(),
    });
    const fired: number[] = [];
    let finish!: () => void;
    const finished = new Promise<void>((r) => (finish = r));
    clock.setTimeout(() => fired.push(clock.now()), 30);
    clock.setTimeout(() => fired.push(clock.now()), 10);
    clock.setTimeout(() => {
      fired.push(clock.now());
      finish();
    }, 30);
    const running = driver.run();
    await finished;
    driver.stop();
    await running;
    expect(fired).toEqual([10, 30, 30]);
    expect(controller.choices.map((c) => c.step)).toEqual(['time+10', 'time+30', 'time+30.2']);
  });

  it('winds down at the step budget and reports it; close fails what still waits', async () => {
    const clock = createVirtualClock();
    const controller = createScheduleController({ strategy: createFifoStrategy() });
    let windDown = '';
    const driver = createScheduleDriver({
      clock,
      decide: (enabled) => controller.decide(enabled),
      flush: () => Promise.resolve(),
      maxSteps: 25,
      onWindDown: (reason, d) => {
        windDown = reason;
        d.stop();
      },
    });
    // A poller that never ends: look, wait, look again.
    const poll = () => {
      void driver
        .sharedStateGate({ store: 'kv', op: 'get', key: 'x', actor: 'p' }, () => Promise.resolve(0))
        .then(
          () => clock.setTimeout(poll, 10),
          () => undefined,
        );
    };
    poll();
    const end = await driver.run();
    expect(windDown).toBe('budget');
    expect(end.reason).toBe('budget');
    expect(end.steps).toBe(25);
    const late = driver.sharedStateGate({ store: 'kv', op: 'get', key: 'y', actor: 'q' }, () =>
      Promise.resolve(1),
    );
    driver.close();
    await expect(late).rejects.toMatchObject({ code: 'SCHEDULE_CLOSED' });
  });

  it("crashes only actors the run can restore: the others' steps say so, no strategy crashes them, a replay that does winds down", async () => {
    const crashOnly = async (strategy: ScheduleStrategy) => {
      const crashed: string[] = [];
      const seen: (false | undefined)[] = [];
      const controller = createScheduleController({ strategy });
      const driver = createScheduleDriver({
        clock: createVirtualClock(),
        decide: (enabled) => {
          for (const s of enabled) if (s.actor === 'b') seen.push(s.crashable);
          return controller.decide(enabled);
        },
        flush: () => Promise.resolve(),
        onCrash: (actor) => Promise.resolve(void crashed.push(actor)),
        // `b` stands for the run's own director: nothing would spawn it again.
        crashable: (actor) => actor !== 'b',
        onWindDown: (_reason, d) => d.stop(),
      });
      const running = driver.run();
      const race = counterRace(driver, ['a', 'b', 'c']);
      void race.done.then(
        () => driver.stop(),
        () => undefined,
      );
      const end = await running;
      driver.close();
      return { crashed, end, seen, choices: [...controller.choices] };
    };
    const searched = await crashOnly(
      createRandomWalkStrategy({ seed: 3, crash: { probability: 1, max: 6 } }),
    );
    expect(searched.end.reason).toBe('stopped');
    expect(searched.crashed.length).toBeGreaterThan(0);
    expect(searched.crashed).not.toContain('b');
    expect(searched.seen.length).toBeGreaterThan(0);
    expect(new Set(searched.seen)).toEqual(new Set([false]));
    const replayed = await crashOnly(
      createReplayStrategy([{ step: 'a#1 get kv/x' }, { step: 'b#1 get kv/x', action: 'crash' }]),
    );
    expect(replayed.crashed).toEqual([]);
    expect(replayed.end).toMatchObject({
      reason: 'error',
      error: expect.objectContaining({ code: 'INVALID_ARGUMENT' }) as unknown,
    });
  });

  it('is stuck when nothing is enabled and no timer is set', async () => {
    const controller = createScheduleController({ strategy: createFifoStrategy() });
    const driver = createScheduleDriver({
      clock: createVirtualClock(),
      decide: (enabled) => controller.decide(enabled),
      flush: () => Promise.resolve(),
    });
    const end = await driver.run();
    expect(end).toMatchObject({ reason: 'stuck', steps: 0 });
  });
});
