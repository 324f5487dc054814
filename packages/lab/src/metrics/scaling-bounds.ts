import { longestPathToEnd, type DagTask } from '@llm-teams/agents';

/** Amdahl's bound on speedup with parallel fraction p on n agents: `1 / ((1 - p) + p / n)`. */
export function amdahlBound(p: number, n: number): number {
  return 1 / (1 - p + p / n);
}

/**
 * The work-span (Brent) bound on speedup: `min(n, T1 / T_inf)`. A DAG cannot run faster than
 * its critical path (T_inf) nor than its work spread over n agents (T1 / n).
 */
export function workSpanBound(n: number, workMs: number, spanMs: number): number {
  if (!(spanMs > 0)) return n;
  return Math.min(n, workMs / spanMs);
}

/**
 * The span T_inf of a task graph in model time: the longest dependency chain, each task
 * weighted by its measured duration (`durationsMs`, typically from the n = 1 run). A task
 * without a measured duration weighs 0. Returns 0 for an empty graph.
 */
export function criticalPathModelMs(
  tasks: readonly Pick<DagTask, 'id' | 'deps'>[],
  durationsMs: Readonly<Record<string, number>>,
): number {
  const weighted = tasks.map((t) => ({ id: t.id, deps: t.deps, weight: durationsMs[t.id] ?? 0 }));
  return Math.max(0, ...longestPathToEnd(weighted).values());
}
