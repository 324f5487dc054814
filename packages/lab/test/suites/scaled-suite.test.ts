import { describe, expect, it } from 'vitest';
import { createTestRunner } from '@llm-teams/agents';
import { criticalPathLength, dependencyClosure, parallelFraction } from '@llm-teams/agents';
import { loadSuite, scaleSuite, validateTaskSuite } from '@llm-teams/lab';

describe('scaled workloads', () => {
  it('n copies of a structure: a valid suite, n times the work, the same critical path', async () => {
    const one = await loadSuite({ suite: 'tiny', p: 0.5 });
    const three = scaleSuite(one, 3);
    expect(three.tasks).toHaveLength(3 * one.tasks.length);
    expect(validateTaskSuite(three)).toEqual([]);
    // The span stays, the work triples: 1 - p shrinks three times.
    expect(1 - parallelFraction(three.tasks)).toBeCloseTo((1 - parallelFraction(one.tasks)) / 3, 9);
    expect(criticalPathLength(three.tasks)).toBe(criticalPathLength(one.tasks));
    const files = three.tasks.flatMap((t) => t.files);
    expect(new Set(files).size).toBe(files.length);
  });

  it("a copy's tests pass on its own copy's files, and its mistakes fail them", async () => {
    const three = scaleSuite(await loadSuite({ suite: 'tiny', p: 0.5 }), 3);
    const task = three.tasks.find((t) => t.id.endsWith('-c3') && t.deps.length > 0)!;
    const files: Record<string, string> = { ...task.reference };
    for (const id of dependencyClosure(three.tasks, task.id)) {
      Object.assign(files, three.tasks.find((t) => t.id === id)!.reference);
    }
    expect(Object.keys(files).every((p) => p.startsWith('c3/'))).toBe(true);
    const runner = createTestRunner({ cache: false });
    try {
      expect((await runner.run(task, files)).passed).toBe(true);
      const wrong = task.mistakes![0]!;
      expect((await runner.run(task, { ...files, ...wrong.files })).passed).toBe(false);
    } finally {
      await runner.close();
    }
  });
});
