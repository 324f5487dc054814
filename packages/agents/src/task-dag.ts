/**
 * The task graph: cycles, a topological order, dependency closures, and the quantities the
 * scheduler and the metrics read from it (longest path to the end, the span or critical path,
 * the work, Amdahl's parallel fraction). The one DAG module of the project: the coordinator
 * schedules critical-path-first with it, lab validates suites and measures runs with it.
 */
import { AgentsError } from './agents-error.js';
import type { TaskSpec } from './task-spec.js';

/** What the DAG helpers read of a task: its id, its dependencies and its weight (default 1). */
export type DagTask = Pick<TaskSpec, 'id' | 'deps' | 'weight'>;

/**
 * A dependency cycle, if there is one: the ids along it, first id repeated at the end
 * (`['a', 'b', 'c', 'a']` means a depends on b, b on c, c on a). Unknown dependencies are
 * ignored here; validation reports them separately.
 */
export function findDependencyCycle(tasks: readonly DagTask[]): string[] | undefined {
  const byId = new Map(tasks.map((t) => [t.id, t]));
  const state = new Map<string, 'open' | 'done'>();
  const stack: string[] = [];

  // Iterative DFS: suites are small, but a user's long chain should not hit the call-stack limit.
  for (const root of tasks) {
    if (state.has(root.id)) continue;
    const frames: { id: string; next: number }[] = [{ id: root.id, next: 0 }];
    state.set(root.id, 'open');
    stack.push(root.id);
    while (frames.length > 0) {
      const frame = frames[frames.length - 1]!;
      const deps = byId.get(frame.id)?.deps ?? [];
      if (frame.next >= deps.length) {
        state.set(frame.id, 'done');
        stack.pop();
        frames.pop();
        continue;
      }
      const dep = deps[frame.next++]!;
      if (!byId.has(dep)) continue;
      const seen = state.get(dep);
      if (seen === 'open') return [...stack.slice(stack.indexOf(dep)), dep];
      if (seen === undefined) {
        state.set(dep, 'open');
        stack.push(dep);
        frames.push({ id: dep, next: 0 });
      }
    }
  }
  return undefined;
}

/** Checks the graph is a DAG over known ids; returns the tasks by id. */
function indexDag(tasks: readonly DagTask[]): Map<string, DagTask> {
  const byId = new Map<string, DagTask>();
  for (const task of tasks) {
    if (byId.has(task.id)) throw new AgentsError('INVALID_DAG', `duplicate task id "${task.id}"`);
    byId.set(task.id, task);
  }
  for (const task of tasks) {
    for (const dep of task.deps) {
      if (!byId.has(dep)) {
        throw new AgentsError('INVALID_DAG', `task "${task.id}" depends on unknown task "${dep}"`);
      }
    }
  }
  const cycle = findDependencyCycle(tasks);
  if (cycle) throw new AgentsError('INVALID_DAG', `dependency cycle: ${cycle.join(' -> ')}`);
  return byId;
}

/**
 * Task ids in an order where every task comes after its dependencies; ties keep the input
 * order, so the result is deterministic. Throws `AgentsError('INVALID_DAG')` on a cycle.
 */
export function topologicalOrder(tasks: readonly DagTask[]): string[] {
  const byId = indexDag(tasks);
  const order: string[] = [];
  const placed = new Set<string>();
  // Depth-first in input order, iteratively so that a long chain cannot overflow the stack.
  for (const root of tasks) {
    const frames: { id: string; next: number }[] = [{ id: root.id, next: 0 }];
    while (frames.length > 0) {
      const frame = frames[frames.length - 1]!;
      const deps = byId.get(frame.id)!.deps;
      if (frame.next < deps.length) {
        const dep = deps[frame.next++]!;
        if (!placed.has(dep)) frames.push({ id: dep, next: 0 });
        continue;
      }
      frames.pop();
      if (!placed.has(frame.id)) {
        placed.add(frame.id);
        order.push(frame.id);
      }
    }
  }
  return order;
}

/** Every task `id` depends on, directly or transitively (not including `id`). */
export function dependencyClosure(tasks: readonly DagTask[], id: string): Set<string> {
  const byId = indexDag(tasks);
  if (!byId.has(id)) throw new AgentsError('INVALID_DAG', `unknown task "${id}"`);
  const closure = new Set<string>();
  const pending = [...byId.get(id)!.deps];
  while (pending.length > 0) {
    const dep = pending.pop()!;
    if (closure.has(dep)) continue;
    closure.add(dep);
    pending.push(...byId.get(dep)!.deps);
  }
  return closure;
}

const weightOf = (task: DagTask): number => task.weight ?? 1;

/**
 * For each task, the weight of the heaviest path from it (inclusive) to the end of the graph:
 * the "bottom level" a critical-path-first scheduler ranks ready tasks by. With the default
 * weight 1 it is the number of tasks on that path.
 */
export function longestPathToEnd(tasks: readonly DagTask[]): Map<string, number> {
  const byId = indexDag(tasks);
  const dependents = new Map<string, string[]>(tasks.map((t) => [t.id, []]));
  for (const task of tasks) for (const dep of task.deps) dependents.get(dep)!.push(task.id);
  const level = new Map<string, number>();
  for (const id of topologicalOrder(tasks).reverse()) {
    const below = Math.max(0, ...dependents.get(id)!.map((d) => level.get(d)!));
    level.set(id, weightOf(byId.get(id)!) + below);
  }
  return level;
}

/**
 * The span (T_inf) of the graph: the weight of its heaviest dependency chain. With the
 * default weight 1 it is the number of tasks on the longest chain (2, 10 and 16 in the
 * paper's p = 0.9, 0.5 and 0.2 structures). 0 for an empty graph.
 */
export function criticalPathLength(tasks: readonly DagTask[]): number {
  return Math.max(0, ...longestPathToEnd(tasks).values());
}

/** The ids along one heaviest chain, first task first; ties go to the earlier task in `tasks`. */
export function criticalPath(tasks: readonly DagTask[]): string[] {
  const level = longestPathToEnd(tasks);
  const dependents = new Map<string, DagTask[]>(tasks.map((t) => [t.id, []]));
  for (const task of tasks) for (const dep of task.deps) dependents.get(dep)!.push(task);
  const pickMax = (candidates: readonly DagTask[]): DagTask | undefined =>
    candidates.reduce<DagTask | undefined>(
      (best, t) => (best === undefined || level.get(t.id)! > level.get(best.id)! ? t : best),
      undefined,
    );
  const path: string[] = [];
  let current = pickMax(tasks);
  while (current) {
    path.push(current.id);
    const rest = level.get(current.id)! - weightOf(current);
    current = pickMax(dependents.get(current.id)!.filter((d) => level.get(d.id) === rest));
  }
  return path;
}

/** The work (T_1) of the graph: the sum of the task weights. */
export function totalWork(tasks: readonly DagTask[]): number {
  return tasks.reduce((sum, t) => sum + weightOf(t), 0);
}

/**
 * The Amdahl parallel fraction of a task graph: `p = 1 - span / work`. The serial fraction
 * `1 - p` is the share of the work that lies on the critical path, which no number of agents
 * can overlap. For 20 unit-weight tasks this gives the paper's pairs exactly: critical path
 * 2 -> 0.9, 10 -> 0.5, 16 -> 0.2. 0 for an empty graph.
 */
export function parallelFraction(tasks: readonly DagTask[]): number {
  const work = totalWork(tasks);
  return work === 0 ? 0 : 1 - criticalPathLength(tasks) / work;
}
