import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { NatsConnection } from '@llm-teams/broker';
import { createRandomWalkStrategy, createStepBatcher } from '@llm-teams/runtime';
import {
  closeSearchThreads,
  exploreSchedules,
  runScheduledTeam,
  uniqueTeamName,
} from '@llm-teams/lab';
import { useNats } from '@llm-teams/testkit';
import { boardTeam, useScheduledRuns } from '../support/scheduled-runs.js';

describe('schedules that share a connection, its turns and threads', () => {
  const nats = useNats({ before: beforeAll, after: afterAll });
  const runs = useScheduledRuns(nats);
  afterAll(async () => {
    await closeSearchThreads();
  });
  const team = boardTeam;

  it('runs interleaved on one connection and its turns leave the same traces as each run alone on a fresh connection', async () => {
    const seeds = ['s1', 's2', 's3', 's1'];
    const batcher = createStepBatcher(runs.nc);
    const run = (conn: NatsConnection, seed: string, shared: boolean) =>
      runScheduledTeam({
        nc: conn,
        ...(shared ? { batcher } : {}),
        suite: runs.suite,
        team: team(false),
        strategy: createRandomWalkStrategy({ seed, switchProbability: 0.3 }),
        teamName: uniqueTeamName(),
      });
    const together = await Promise.all(seeds.map((s) => run(runs.nc, s, true)));
    for (const [i, seed] of seeds.entries()) {
      const fresh = await nats.connect();
      try {
        const alone = await run(fresh, seed, false);
        expect(together[i]!.choices).toEqual(alone.choices);
        expect(together[i]!.trace).toEqual(alone.trace);
      } finally {
        await fresh.close();
      }
    }
    // The same seed twice at once: the same run, not two runs that saw each other.
    expect(together[3]!.trace).toEqual(together[0]!.trace);
    expect(together[1]!.trace).not.toEqual(together[0]!.trace);
  }, 120_000);

  it('a search on two threads checks the same schedules and finds the same first failure as on one', async () => {
    const search = (threads: number) =>
      exploreSchedules({
        ...runs,
        team: team(true),
        seed: 'claims',
        schedules: 60,
        shrink: false,
        replays: 1,
        ...(threads > 1 ? { threads: { count: threads, url: nats.url } } : {}),
      });
    const one = await search(1);
    const two = await search(2);
    expect(one.failure, `no failure in ${one.schedules} schedules`).toBeDefined();
    expect(two.failure?.index).toBe(one.failure?.index);
    expect(two.failure?.schedule).toEqual(one.failure?.schedule);
    // The failing run came from whichever thread ran it; it replays here to the same trace.
    expect(two.failure?.outcome.trace).toEqual(one.failure?.outcome.trace);
    expect(two.failure?.replays.map((r) => r.reproduced)).toEqual([true]);
  }, 180_000);
});
