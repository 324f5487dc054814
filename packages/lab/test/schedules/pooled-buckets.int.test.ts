import { describe, expect, it } from 'vitest';
import { createBucketPool } from '@llm-teams/broker';
import { createRandomWalkStrategy } from '@llm-teams/runtime';
import { runScheduledTeam, uniqueTeamName } from '@llm-teams/lab';
import { boardTeam, tinyTeam, useScheduledRuns } from '../support/scheduled-runs.js';

/**
 * A search hands its runs buckets earlier runs emptied (docs/schedules.md, "Throughput"). A
 * purge does not rewind a stream's sequence, and a run's trace shows the revisions its writes
 * got: a run on reused buckets must record the trace it records on new ones.
 */
describe('a scheduled run on buckets an earlier run emptied', () => {
  const runs = useScheduledRuns();

  const teams = {
    decentralized: boardTeam(false),
    centralized: tinyTeam({ arch: 'centralized', model: 'sim:gpt-5.2' }),
  };

  for (const [arch, team] of Object.entries(teams)) {
    it(`records the trace it records on new buckets (${arch})`, async () => {
      const pool = await createBucketPool(runs.nc, { name: uniqueTeamName() });
      const run = (seed: string, buckets?: typeof pool) =>
        runScheduledTeam({
          ...runs,
          team,
          strategy: createRandomWalkStrategy({ seed, switchProbability: 0.1 }),
          teamName: uniqueTeamName(),
          ...(buckets ? { buckets } : {}),
        });
      try {
        const fresh = await run('same');
        // The pool's one set: written by another schedule first, then emptied for this one.
        await run('other', pool);
        const reused = await run('same', pool);
        expect(reused.status).toBe('completed');
        expect(reused.events.some((e) => e.kind === 'tool')).toBe(true);
        expect(reused.traceDigest).toBe(fresh.traceDigest);
      } finally {
        await pool.close();
      }
    }, 60_000);
  }
});
