import { afterAll, beforeAll } from 'vitest';
import type { TaskSuite } from '@llm-teams/agents';
import type { NatsConnection } from '@llm-teams/broker';
import { loadSuite, scheduleTeamSchema } from '@llm-teams/lab';
import { useNats, type NatsInUse } from '@llm-teams/testkit';

/** What the controlled runs of a file share: a connection to its nats-server and the suite. */
export interface ScheduledRuns {
  readonly nc: NatsConnection;
  readonly suite: TaskSuite;
}

/**
 * A nats-server for the whole file (or `nats`, a file's own) and the tiny suite (p 0.5) every
 * scheduled run in it works on, both ready before its first test; hooks registered after this
 * one run while the server is up. `{ ...runs }` gives a run its `nc` and `suite`.
 */
export function useScheduledRuns(
  nats: NatsInUse = useNats({ before: beforeAll, after: afterAll }),
): ScheduledRuns {
  let suite: TaskSuite | undefined;
  beforeAll(async () => {
    suite = await loadSuite({ suite: 'tiny', p: 0.5 });
  });
  return {
    get nc() {
      return nats.nc;
    },
    get suite() {
      if (!suite) throw new Error('useScheduledRuns: the suite is not loaded (outside a test?)');
      return suite;
    },
  };
}

/** A team of five on that suite, seed 1, with `fields` (arch, model, ...) on top. */
export const tinyTeam = (fields: Record<string, unknown>) =>
  scheduleTeamSchema.parse({ suite: 'tiny', p: 0.5, agents: 5, seed: '1', ...fields });

/** The decentralized team on the task board, whose claims skip compare-and-set if `unsafeBoard`. */
export const boardTeam = (unsafeBoard: boolean) =>
  tinyTeam({ arch: 'decentralized', model: 'sim:gpt-5.2', unsafe: { board: unsafeBoard } });
