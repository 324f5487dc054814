import type { TraceEvent } from '@llm-teams/runtime';
import type { AnalysisResult } from '../analysis/analyze-trace.js';

/** Consistency conflicts of one run (docs/metrics.md). */
export interface ConflictCounts {
  /** Pairs of writes to one file, neither happening before the other (`concurrent-write`). */
  concurrentWrites: number;
  /** Writes replacing a teammate's work on another task (`rewrite`). */
  rewrites: number;
  /** (task, dependency) pairs where work on the task is not causally after the dependency's done. */
  temporalViolations: number;
  /** Claims of a task held by another agent whose claim had not ended, on happens-before. */
  duplicateClaims: number;
  /** Compare-and-set writes the shared state refused: tool outcomes `conflict` or `refused`. */
  refusedCas: number;
  /** Tasks completed twice (`duplicate-completion`). */
  duplicateCompletions: number;
  /** Acknowledged completions that the board lost (`lost-completion`). */
  lostCompletions: number;
}

export const CONFLICT_KINDS = [
  'concurrentWrites',
  'rewrites',
  'temporalViolations',
  'duplicateClaims',
  'refusedCas',
  'duplicateCompletions',
  'lostCompletions',
] as const satisfies readonly (keyof ConflictCounts)[];

interface Claim {
  actor: string;
  taskId: string;
  /** Event index of the claim. */
  at: number;
  /** Event index of the done / release / fail that ended it, if any. */
  end?: number;
}

/** Non-backup claims, one per (agent, task) holding: repeated claim events of one holding
 *  (the agent records a claim when it wins the board and again when it prepares) are one. */
function claimsOf(events: readonly TraceEvent[]): Claim[] {
  const claims: Claim[] = [];
  const holding = new Map<string, Claim>();
  for (let i = 0; i < events.length; i++) {
    const e = events[i]!;
    if (e.kind !== 'task' || e['backup'] === true) continue;
    const key = `${e.actor}\u0000${e.taskId}`;
    const held = holding.get(key);
    if (e.phase === 'claim') {
      if (held) continue;
      const claim: Claim = { actor: e.actor, taskId: e.taskId, at: i };
      holding.set(key, claim);
      claims.push(claim);
    } else if (e.phase !== 'start' && held) {
      held.end = i;
      holding.delete(key);
    }
  }
  return claims;
}

/**
 * Duplicate claims on happens-before: a claim of task T by B counts when an earlier or
 * concurrent claim of T by A (A != B) exists whose end (done, release, fail) does not happen
 * before B's claim — B took T while, as far as causality says, A still held it.
 */
export function countDuplicateClaims(
  events: readonly TraceEvent[],
  happensBefore: (a: number, b: number) => boolean,
): number {
  const byTask = new Map<string, Claim[]>();
  for (const c of claimsOf(events)) {
    const list = byTask.get(c.taskId);
    if (list) list.push(c);
    else byTask.set(c.taskId, [c]);
  }
  let count = 0;
  for (const claims of byTask.values()) {
    for (const b of claims) {
      const clash = claims.some(
        (a) =>
          a !== b &&
          a.actor !== b.actor &&
          !happensBefore(b.at, a.at) &&
          (a.end === undefined || !happensBefore(a.end, b.at)) &&
          // Count each concurrent pair once: the later claim in trace order is the duplicate.
          (happensBefore(a.at, b.at) || a.at < b.at),
      );
      if (clash) count++;
    }
  }
  return count;
}

/** Conflict counts from the checkers' findings and the trace's claims and tool outcomes. */
export function countConflicts(
  events: readonly TraceEvent[],
  analysis: Pick<AnalysisResult, 'findings' | 'clocks'>,
): ConflictCounts {
  const by = (checker: string) => analysis.findings.filter((f) => f.checker === checker).length;
  return {
    concurrentWrites: by('concurrent-write'),
    rewrites: by('rewrite'),
    temporalViolations: by('temporal'),
    duplicateClaims: countDuplicateClaims(events, (a, b) => analysis.clocks.happensBefore(a, b)),
    refusedCas: events.filter(
      (e) => e.kind === 'tool' && (e.outcome === 'conflict' || e.outcome === 'refused'),
    ).length,
    duplicateCompletions: by('duplicate-completion'),
    lostCompletions: by('lost-completion'),
  };
}
