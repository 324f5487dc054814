import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { runDefinedTeam } from '@llm-teams/agents';
import { createMemoryTrace } from '@llm-teams/runtime';
import { useNats } from '@llm-teams/testkit';
import pipeline from '../../../../examples/pipeline/team.js';

describe('a defined team, run in one process', () => {
  const nats = useNats({ before: beforeEach, after: afterEach });

  it('the pipeline example runs to its end message with its result', async () => {
    const trace = createMemoryTrace();
    const result = await runDefinedTeam({
      nc: nats.nc,
      definition: pipeline,
      seed: 1,
      trace,
      deadlineMs: 30_000,
    });
    expect(result.status, result.reason).toBe('completed');
    expect(result).toMatchObject({ endedBy: 'sink', output: { records: 8, warmest: 'lagos' } });
    const marks = trace.events.filter((e) => e.kind === 'mark').map((e) => e['name']);
    expect(marks).toEqual(expect.arrayContaining(['run.start', 'run.end']));
  });
});
