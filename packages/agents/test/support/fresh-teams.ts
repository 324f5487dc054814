import { afterAll, beforeAll } from 'vitest';
import { provisionTeam, type TeamResources } from '@llm-teams/broker';
import { useNats } from '@llm-teams/testkit';

/**
 * A nats-server for the whole file, and a team on it for each test that asks: the returned
 * function provisions `<prefix>1`, `<prefix>2`, ... in memory, so no two tests share a bucket.
 */
export function useFreshTeams(prefix: string): () => Promise<TeamResources> {
  const nats = useNats({ before: beforeAll, after: afterAll });
  let run = 0;
  return () => provisionTeam(nats.nc, { team: `${prefix}${++run}`, storage: 'memory' });
}
