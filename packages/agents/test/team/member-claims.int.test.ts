import { describe, expect, it } from 'vitest';
import type { KV } from '@llm-teams/broker';
import {
  AgentsError,
  claimMember,
  type MemberClaimOptions,
  type MemberClaimValue,
} from '@llm-teams/agents';
import { createTestClock, type TestClock } from '@llm-teams/testkit';
import { useFreshTeams } from '../support/fresh-teams.js';

/** Fires the claim's 250 ms staleness polls on `clock` until `claiming` settles. */
async function pollUntilSettled(clock: TestClock, claiming: Promise<unknown>): Promise<void> {
  const settled = claiming.then(
    () => true,
    () => true,
  );
  const poll = (ms: number) => ms === 250;
  while (!(await Promise.race([settled, clock.waitForTimer(poll).then(() => false)]))) {
    clock.fire(poll);
  }
}

/** n2's claim of member a1, which waits up to 5 s of `clock` for the holder to go stale. */
const newcomer = (kv: KV, clock: TestClock, onWait: MemberClaimOptions['onWait']) =>
  claimMember({ kv, member: 'a1', node: 'n2', host: 'h2', ttlMs: 5000, clock, onWait });

describe('member claims on the injected clock', () => {
  const freshTeam = useFreshTeams('claims');
  const board = async (): Promise<KV> => (await freshTeam()).bucket('board');

  it('a claim unchanged for ttlMs of the clock is taken over, and its old holder hears it lost', async () => {
    const kv = await board();
    const clock = createTestClock({ autoFireBelowMs: 0 });
    let heardLost: (by: MemberClaimValue | undefined) => void = () => undefined;
    const lost = new Promise<MemberClaimValue | undefined>((resolve) => (heardLost = resolve));
    const first = await claimMember({
      kv,
      member: 'a1',
      node: 'n1',
      host: 'h1',
      clock,
      onLost: (by) => heardLost(by),
    });
    const waits: number[] = [];
    const taking = newcomer(kv, clock, (_, ttlMs) => waits.push(ttlMs));
    // Only the newcomer's polls fire: the holder's renewal (1000 ms) never comes, as if dead.
    await pollUntilSettled(clock, taking);
    const second = await taking;
    expect(waits).toEqual([5000]);
    expect(second.generation).toBe(2);
    expect(clock.delays.filter((ms) => ms === 250).length).toBeGreaterThanOrEqual(20);
    // The old holder's next renewal finds the key taken over.
    clock.fire((ms) => ms === 1000);
    expect(await lost).toMatchObject({ node: 'n2', generation: 2 });
    await first.release();
    await second.release();
  });

  it('a claim renewed within ttlMs of the clock is refused, naming where it is live', async () => {
    const kv = await board();
    const clock = createTestClock({ autoFireBelowMs: 0 });
    const holder = await claimMember({ kv, member: 'a1', node: 'n1', host: 'h1', clock });
    let renewed = false;
    const taking = newcomer(kv, clock, () => {
      // The holder renews while the newcomer watches.
      void clock
        .waitForTimer((ms) => ms === 250)
        .then(() => {
          renewed = clock.fire((ms) => ms === 1000) > 0;
        });
    });
    await pollUntilSettled(clock, taking);
    expect(renewed).toBe(true);
    await expect(taking).rejects.toThrow(AgentsError);
    await expect(taking).rejects.toThrow(/member a1 is live on node n1/);
    await holder.release();
  });
});
