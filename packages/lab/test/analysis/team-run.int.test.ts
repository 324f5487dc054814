import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { runTeam, type Architecture } from '@llm-teams/agents';
import { createMemoryTrace } from '@llm-teams/runtime';
import { analyzeTrace, renderFindingsText } from '@llm-teams/lab';
import { tinyTeamRun, useNats } from '@llm-teams/testkit';

/**
 * The checkers against traces of real teams (simulated models, a real nats-server): tasks
 * from the `run.start` mark, causality through messages and the task board's revisions.
 * Whatever the run's outcome, a correct team leaves no anomaly behind.
 */
describe('checkers on real team runs', () => {
  const nats = useNats({ before: beforeEach, after: afterEach });

  for (const arch of ['single', 'centralized', 'decentralized'] as Architecture[]) {
    it(`find nothing in a ${arch} run`, { timeout: 90_000 }, async () => {
      const trace = createMemoryTrace();
      const result = await runTeam({
        nc: nats.nc,
        ...tinyTeamRun({ arch, agents: 3, seed: 1, timeScale: 0.001 }),
        trace,
        deadlineMs: 30_000,
      });
      const analysis = analyzeTrace(trace.events);
      expect(analysis.findings, renderFindingsText(analysis, { max: 5 })).toEqual([]);
      expect(analysis.summary.tasks.declared).toBe(6);
      expect(analysis.summary.tasks.runCompleted).toBe(result.status === 'completed');
    });
  }
});
