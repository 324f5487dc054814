import { describe, expect, it } from 'vitest';
import { dependencyClosure, type TaskSpec, type TaskSuite } from '@llm-teams/agents';
import {
  createSuiteWorkspace,
  mapWithConcurrency,
  runTaskTests,
  verifyReferenceSolutions,
} from '../../src/suites/suite-workspace.js';
import { loadSuite } from '../../src/suites/suite-loader.js';

// Test processes in flight: a little above two cores, since each run waits on process start-up.
const CONCURRENCY = 3;

async function loadAll(): Promise<TaskSuite[]> {
  const suites: TaskSuite[] = [await loadSuite({ suite: 'tiny', p: 0.5 })];
  for (const id of ['math', 'data', 'svg']) {
    for (const p of [0.9, 0.5, 0.2]) suites.push(await loadSuite({ suite: id, p }));
  }
  return suites;
}

describe('reference solutions', () => {
  it(
    'every reference solution passes its tests with only its dependencies present',
    { timeout: 180_000 },
    async () => {
      const checks = await verifyReferenceSolutions(await loadAll(), {
        concurrency: CONCURRENCY,
        timeoutMs: 60_000,
      });
      expect(checks).toHaveLength(6 + 9 * 20);
      const failures = checks.filter((c) => !c.result.passed);
      expect(failures.map((f) => `${f.suite} p=${f.p} ${f.taskId}\n${f.result.output}`)).toEqual(
        [],
      );
    },
  );

  it(
    'dependencies are real: a dependent task fails when a dependency file is missing',
    { timeout: 120_000 },
    async () => {
      const samples: { suite: TaskSuite; task: TaskSpec; missing: string }[] = [];
      const tiny = await loadSuite({ suite: 'tiny', p: 0.5 });
      samples.push({
        suite: tiny,
        task: tiny.tasks.find((t) => t.id === 'unique-slugs')!,
        missing: 'slug',
      });
      for (const id of ['math', 'data', 'svg']) {
        const chain = await loadSuite({ suite: id, p: 0.2 });
        // Early, middle and last links of the chain: each loses its direct predecessor.
        for (const index of [1, 8, 15]) {
          const task = chain.tasks[index]!;
          samples.push({ suite: chain, task, missing: task.deps[0]! });
        }
        const fanIn = await loadSuite({ suite: id, p: 0.9 });
        const integrator = fanIn.tasks.find((t) => t.deps.length > 0)!;
        samples.push({ suite: fanIn, task: integrator, missing: integrator.deps[7]! });
      }

      const results = await mapWithConcurrency(
        samples,
        CONCURRENCY,
        async ({ suite, task, missing }) => {
          const present = [...dependencyClosure(suite.tasks, task.id)].filter(
            (id) => id !== missing,
          );
          const references = [task, ...suite.tasks.filter((t) => present.includes(t.id))];
          const workspace = await createSuiteWorkspace({ references, tests: [task] });
          try {
            const result = await runTaskTests({ dir: workspace.dir, task, timeoutMs: 60_000 });
            return { label: `${suite.id} p=${suite.p} ${task.id} without ${missing}`, result };
          } finally {
            await workspace.dispose();
          }
        },
      );
      for (const { label, result } of results) {
        expect(result.passed, label).toBe(false);
        expect(result.timedOut, label).toBe(false);
        expect(result.output, label).toMatch(/ERR_MODULE_NOT_FOUND|Cannot find module/);
      }
    },
  );

  it('runTaskTests enforces its time limit', { timeout: 30_000 }, async () => {
    const task: TaskSpec = {
      id: 'hang',
      title: 'hangs',
      spec: '',
      files: ['src/hang.js'],
      deps: [],
      reference: {
        'src/hang.js':
          'export const hang = () => new Promise(() => setInterval(() => {}, 1000));\n',
      },
      tests: {
        'test/hang.test.js':
          "import { test } from 'node:test';\nimport { hang } from '../src/hang.js';\ntest('hangs', () => hang());\n",
      },
    };
    const workspace = await createSuiteWorkspace({ references: [task] });
    try {
      const result = await runTaskTests({ dir: workspace.dir, task, timeoutMs: 1_500 });
      expect(result).toMatchObject({ taskId: 'hang', passed: false, timedOut: true });
      expect(result.durationMs).toBeLessThan(10_000);
    } finally {
      await workspace.dispose();
    }
  });
});
