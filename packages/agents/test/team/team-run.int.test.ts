import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { runTeam, type Architecture } from '@llm-teams/agents';
import { createMemoryTrace, type TraceEvent } from '@llm-teams/runtime';
import { tinyTeamRun, useNats } from '@llm-teams/testkit';

describe('teams complete a DAG', () => {
  const nats = useNats({ before: beforeEach, after: afterEach });

  for (const arch of ['single', 'centralized', 'decentralized'] as Architecture[]) {
    it(`${arch}`, async () => {
      const trace = createMemoryTrace();
      const result = await runTeam({
        nc: nats.nc,
        ...tinyTeamRun({ arch, agents: 3, seed: 1, timeScale: 0.001 }),
        trace,
        deadlineMs: 60_000,
      });
      expect(result.status, result.reason).toBe('completed');
      expect(result.tasks.every((t) => t.status === 'done')).toBe(true);
      expect(result.makespanModelMs).toBeGreaterThan(0);
      const done = trace.events.filter(
        (e): e is TraceEvent & { kind: 'task' } => e.kind === 'task' && e.phase === 'done',
      );
      expect(new Set(done.map((e) => e.taskId)).size).toBe(6);
    });
  }
});
