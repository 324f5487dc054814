import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { provisionTeam } from '@llm-teams/broker';
import { createLeaseKeeper } from '@llm-teams/agents';
import { createSkewedClock, systemClock } from '@llm-teams/runtime';
import { createTestClock, deferred, useNats } from '@llm-teams/testkit';

describe('leader lease (real JetStream KV)', () => {
  const nats = useNats({ before: beforeAll, after: afterAll });

  it('one candidate leads; when it stops renewing, another takes over with a higher epoch', async () => {
    const kv = await (
      await provisionTeam(nats.nc, { team: 'lease1', storage: 'memory' })
    ).bucket('leases');
    const first = deferred<{ holder: string; epoch: number }>();
    const second = deferred<{ holder: string; epoch: number }>();
    const keepers = new Map<string, { close(): void }>();
    const elected: string[] = [];
    for (const holder of ['c1', 'c2']) {
      keepers.set(
        holder,
        createLeaseKeeper({
          kv,
          holder,
          leaseMs: 150,
          clock: systemClock,
          onAcquired: (epoch) => {
            elected.push(holder);
            (elected.length === 1 ? first : second).resolve({ holder, epoch });
          },
          onLost: () => undefined,
        }),
      );
    }
    const leader = await first.promise;
    // The leader stops (a crash): it neither renews nor releases.
    keepers.get(leader.holder)!.close();
    const next = await second.promise;
    expect(next.holder).not.toBe(leader.holder);
    expect(next.epoch).toBeGreaterThan(leader.epoch);
    expect(elected).toHaveLength(2);
    for (const k of keepers.values()) k.close();
  });

  it('a leader that finds the lease taken while it was away is told it lost it', async () => {
    const kv = await (
      await provisionTeam(nats.nc, { team: 'lease2', storage: 'memory' })
    ).bucket('leases');
    const acquired = deferred<number>();
    const lost = deferred<string>();
    const keeper = createLeaseKeeper({
      kv,
      holder: 'c1',
      leaseMs: 150,
      clock: systemClock,
      onAcquired: (epoch) => acquired.resolve(epoch),
      onLost: (reason) => lost.resolve(reason),
    });
    const epoch = await acquired.promise;
    // Another holder overwrites the lease (as after c1 was paused past its lease).
    const e = await kv.get('coordinator');
    await kv.update(
      'coordinator',
      new TextEncoder().encode(JSON.stringify({ holder: 'c2', until: Date.now() + 60_000 })),
      e!.revision,
    );
    expect(await lost.promise).toMatch(/renewal refused|held by c2/);
    expect(epoch).toBeGreaterThan(0);
    keeper.close();
  });

  it('a candidate paused with its holder does not take the lease the holder had no chance to renew; on time again, it takes an abandoned one', async () => {
    const kv = await (
      await provisionTeam(nats.nc, { team: 'lease3', storage: 'memory' })
    ).bucket('leases');
    // A clock per candidate, so the test says whose timer fires first; both start at the same
    // time, and a pause of their process moves both (the time passes, their timers fire late).
    const clocks = ['c1', 'c2'].map(() => {
      const test = createTestClock({ autoFireBelowMs: 0 });
      return { test, clock: createSkewedClock(test) };
    });
    const [one, two] = clocks as [(typeof clocks)[0], (typeof clocks)[0]];
    const events: string[] = [];
    const keeper = (holder: string, clock: typeof one.clock) =>
      createLeaseKeeper({
        kv,
        holder,
        leaseMs: 1500,
        clock,
        onAcquired: (epoch) => events.push(`${holder} acquired ${epoch}`),
        onLost: (reason) => events.push(`${holder} lost: ${reason}`),
      });
    /** Fires a candidate's step and waits for it to finish (its next timer is set). */
    const step = async (c: typeof one) => {
      expect(c.test.fire()).toBe(1);
      await c.test.waitForTimer(() => true);
    };
    const c1 = keeper('c1', one.clock);
    await one.test.waitForTimer(() => true);
    const c2 = keeper('c2', two.clock);
    await two.test.waitForTimer(() => true);
    expect(events).toEqual([expect.stringMatching(/^c1 acquired \d+$/)]);

    // The process stops for 5 s, three leases long; then the standby's timer happens to run
    // first. By its clock the lease expired 4 s ago, but the holder was stopped too.
    for (const c of clocks) c.clock.set('pause', { offsetMs: 5000 });
    await step(two);
    await step(one);
    await step(two);
    expect(events).toHaveLength(1);

    // The holder crashes: the standby, on time, takes over once the lease runs out.
    c1.close();
    for (let i = 0; i < 10 && events.length === 1; i++) await step(two);
    expect(events[1]).toMatch(/^c2 acquired \d+$/);
    expect(Number(events[1]!.split(' ')[2])).toBeGreaterThan(Number(events[0]!.split(' ')[2]));
    c2.close();
  });
});
