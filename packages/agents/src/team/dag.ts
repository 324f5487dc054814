import { AgentsError } from '../agents-error.js';
import type { TaskSpec } from '../task-spec.js';

/** Tasks in an order where every task comes after its dependencies; a cycle is an error. */
export function topologicalOrder(tasks: readonly Pick<TaskSpec, 'id' | 'deps'>[]): string[] {
  const byId = new Map(tasks.map((t) => [t.id, t]));
  const state = new Map<string, 'visiting' | 'done'>();
  const order: string[] = [];
  const visit = (id: string, path: string[]) => {
    const s = state.get(id);
    if (s === 'done') return;
    if (s === 'visiting') {
      throw new AgentsError(
        'INVALID_TEAM',
        `dependency cycle: ${[...path.slice(path.indexOf(id)), id].join(' -> ')}`,
      );
    }
    const t = byId.get(id);
    if (!t)
      throw new AgentsError(
        'UNKNOWN_TASK',
        `unknown dependency ${id} (needed by ${path.at(-1) ?? '?'})`,
      );
    state.set(id, 'visiting');
    for (const d of t.deps) visit(d, [...path, id]);
    state.set(id, 'done');
    order.push(id);
  };
  for (const t of tasks) visit(t.id, []);
  return order;
}

/**
 * Per task, the number of tasks on the longest path from it to the end of the DAG, itself
 * included (weights count when given). Scheduling the largest first is critical-path-first.
 */
export function longestPathToEnd(
  tasks: readonly Pick<TaskSpec, 'id' | 'deps' | 'weight'>[],
): Map<string, number> {
  const order = topologicalOrder(tasks);
  const dependents = new Map<string, string[]>();
  for (const t of tasks)
    for (const d of t.deps) dependents.set(d, [...(dependents.get(d) ?? []), t.id]);
  const weight = new Map(tasks.map((t) => [t.id, t.weight ?? 1]));
  const out = new Map<string, number>();
  for (const id of [...order].reverse()) {
    const next = Math.max(0, ...(dependents.get(id) ?? []).map((d) => out.get(d) ?? 0));
    out.set(id, (weight.get(id) ?? 1) + next);
  }
  return out;
}

/** Length of the longest dependency chain (tasks, or summed weights). */
export function criticalPath(tasks: readonly Pick<TaskSpec, 'id' | 'deps' | 'weight'>[]): number {
  return Math.max(0, ...longestPathToEnd(tasks).values());
}
