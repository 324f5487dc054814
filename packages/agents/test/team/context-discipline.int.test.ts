import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { runTeam } from '@llm-teams/agents';
import { createMemoryTrace, type TraceEvent } from '@llm-teams/runtime';
import { tinySuite, useNats } from '@llm-teams/testkit';

/** Prompt tokens the agents sent per completed task (from `model.context` marks). */
function promptTokensPerTask(events: TraceEvent[]): number {
  const sent = events
    .filter(
      (e): e is TraceEvent & { kind: 'mark' } => e.kind === 'mark' && e.name === 'model.context',
    )
    .reduce((sum, e) => sum + Number(e['promptTokens']), 0);
  const done = events.filter((e) => e.kind === 'task' && e.phase === 'done').length;
  return sent / done;
}

describe('context discipline', () => {
  const nats = useNats({ before: beforeEach, after: afterEach });

  it('prompt tokens per task do not grow with team size', async () => {
    const perTask: Record<number, number> = {};
    for (const agents of [1, 4]) {
      const trace = createMemoryTrace();
      const result = await runTeam({
        nc: nats.nc,
        suite: tinySuite({ n: 8, chain: 3 }),
        arch: 'centralized',
        agents,
        model: 'sim:claude-sonnet-4-6',
        seed: 3,
        timeScale: 0.001,
        trace,
        deadlineMs: 90_000,
        coordinator: { backups: false },
      });
      expect(result.status, result.reason).toBe('completed');
      perTask[agents] = promptTokensPerTask(trace.events);
    }
    console.log(
      `prompt tokens per task: n=1 ${perTask[1]!.toFixed(0)}, n=4 ${perTask[4]!.toFixed(0)}`,
    );
    expect(perTask[4]! / perTask[1]!).toBeLessThan(1.1);
    expect(perTask[4]! / perTask[1]!).toBeGreaterThan(0.9);
  });
});
