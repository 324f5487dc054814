/** A coordinator plan's state for unit tests: every task pending, every worker idle. */
import { longestPathToEnd, type PlanState } from '@llm-teams/agents';

export function planState(tasks: { id: string; deps: string[] }[], workers: string[]): PlanState {
  const priority = longestPathToEnd(tasks);
  return {
    tasks: Object.fromEntries(
      tasks.map((t) => [
        t.id,
        { deps: t.deps, priority: priority.get(t.id)!, status: 'pending' as const, attempts: 0 },
      ]),
    ),
    workers: Object.fromEntries(workers.map((w) => [w, null])),
    suspected: [],
    slow: {},
    durations: [],
    modelDurations: [],
    modelNow: 0,
    marks: [],
    workerModel: {},
  };
}

/** Plan options for unit tests: backups on (straggler factor 2, at least 10 ms), no tail
 *  backups, no verification. */
export const planOptions = {
  epoch: 1,
  now: 0,
  timeScale: 0.01,
  maxAttempts: 3,
  stragglerFactor: 2,
  stragglerMinMs: 10,
  backups: true,
  tailBackups: false,
  verify: 0,
};

/** Independent tasks with these ids. */
export const independent = (...ids: string[]) => ids.map((id) => ({ id, deps: [] as string[] }));

/** A worker's successful completion report. */
export const doneBody = (taskId: string, modelTime = 10) => ({
  taskId,
  ok: true,
  modelTime,
  backup: false,
});

/** A worker's failure report. */
export const failBody = (taskId: string, modelTime = 10) => ({
  ...doneBody(taskId, modelTime),
  ok: false,
});
