import {
  dependencyClosure,
  type TaskSpec,
  type TestRunner,
  type TestRunResult,
} from '@llm-teams/agents';

/**
 * A test outcome oracle that runs in-process: a task's tests pass iff each of its files, and
 * each file of the tasks it depends on (which it imports), equals the reference solution.
 * Schedule exploration uses it instead of node:test in a child process per run: it gives the
 * same verdict for simulated models (which write either the reference or a broken version)
 * at no cost, and it takes no time, so it adds nothing to the schedule.
 */
export function createReferenceTestRunner(tasks: readonly TaskSpec[]): TestRunner {
  const byId = new Map(tasks.map((t) => [t.id, t]));
  const checked = new Map<string, TaskSpec[]>();
  const scope = (task: TaskSpec): TaskSpec[] => {
    let list = checked.get(task.id);
    if (!list) {
      const deps = byId.has(task.id) ? [...dependencyClosure(tasks, task.id)] : [];
      list = [task, ...deps.sort().map((id) => byId.get(id)!)];
      checked.set(task.id, list);
    }
    return list;
  };
  return {
    run(task, files): Promise<TestRunResult> {
      const wrong: string[] = [];
      let count = 0;
      for (const t of scope(task)) {
        for (const [path, reference] of Object.entries(t.reference)) {
          count++;
          if (files[path] !== reference) wrong.push(path);
        }
      }
      const output =
        wrong.length === 0
          ? `# tests ${count}\n# pass ${count}\n# fail 0\n`
          : `${wrong.map((p) => `not ok - ${p} ${p in files ? 'is wrong' : 'is missing'}`).join('\n')}\n# tests ${count}\n# pass ${count - wrong.length}\n# fail ${wrong.length}\n`;
      return Promise.resolve({
        passed: wrong.length === 0,
        output,
        durationMs: 0,
        queuedMs: 0,
        timedOut: false,
      });
    },
    close: () => Promise.resolve(),
  };
}
