import { readFile } from 'node:fs/promises';
import {
  createTraceIndex,
  parseTrace,
  runRuntimeCheckers,
  sortFindings,
  type DeliveryReport,
  type Finding,
  type RuntimeCheckOptions,
  type TraceEvent,
  type TraceIndex,
  type VectorClocks,
} from '@llm-teams/runtime';
import {
  checkDuplicateCompletions,
  checkLostCompletions,
  checkTemporal,
  runEnd,
} from './task-check.js';
import { createTeamContext, type TeamContextOptions } from './team-context.js';
import { checkVotes } from './vote-check.js';
import { checkFencing } from './fencing-check.js';
import { checkLeases } from './lease-check.js';
import { checkConcurrentWrites, checkRewrites } from './workspace-check.js';

export interface AnalyzeOptions extends RuntimeCheckOptions, TeamContextOptions {
  /** Checkers to leave out, by name (`fifo`, `rewrite`, ...). Default: none. */
  skip?: string[];
}

/** Every checker's name, runtime-level first. */
export const CHECKERS = [
  'lamport',
  'causality',
  'fifo',
  'delivery',
  'duplicate',
  'concurrent-write',
  'rewrite',
  'temporal',
  'duplicate-completion',
  'lost-completion',
  'split-vote',
  'fencing',
  'lease',
] as const;

export interface AnalysisSummary {
  events: number;
  actors: number;
  messages: number;
  errors: number;
  warnings: number;
  /** No errors. */
  ok: boolean;
  byChecker: Record<string, { errors: number; warnings: number }>;
  delivery: DeliveryReport['counts'];
  tasks: { declared: number; completed: number; runCompleted: boolean | null };
}

export interface AnalysisResult {
  findings: Finding[];
  summary: AnalysisSummary;
  /** The trace, indexed (not part of the JSON output). */
  index: TraceIndex;
  /** Happens-before over messages and workspace reads-from. */
  clocks: VectorClocks;
  delivery: DeliveryReport;
}

/**
 * Runs every checker on a trace: the runtime's (Lamport rules, FIFO, delivery, duplicate
 * processing) and the team's (concurrent writes, rewrites, temporal violations, duplicate
 * and lost completions, split votes).
 */
export function analyzeTrace(
  events: readonly TraceEvent[],
  options: AnalyzeOptions = {},
): AnalysisResult {
  const skip = new Set(options.skip ?? []);
  const index = createTraceIndex(events);
  const runtime = runRuntimeCheckers(index, options);
  const ctx = createTeamContext(index, options);
  const team: [string, (c: typeof ctx) => Finding[]][] = [
    ['concurrent-write', checkConcurrentWrites],
    ['rewrite', checkRewrites],
    ['temporal', checkTemporal],
    ['duplicate-completion', checkDuplicateCompletions],
    ['lost-completion', checkLostCompletions],
    ['split-vote', checkVotes],
    ['fencing', checkFencing],
    ['lease', checkLeases],
  ];
  const findings = sortFindings(
    [
      ...runtime.findings,
      ...team.filter(([name]) => !skip.has(name)).flatMap(([, check]) => check(ctx)),
    ].filter((f) => !skip.has(f.checker)),
  );

  const byChecker: AnalysisSummary['byChecker'] = {};
  for (const name of CHECKERS) byChecker[name] = { errors: 0, warnings: 0 };
  for (const f of findings) {
    const c = (byChecker[f.checker] ??= { errors: 0, warnings: 0 });
    if (f.severity === 'error') c.errors++;
    else c.warnings++;
  }
  const errors = findings.filter((f) => f.severity === 'error').length;
  const completed = new Set<string>();
  for (const e of events) if (e.kind === 'task' && e.phase === 'done') completed.add(e.taskId);
  const end = runEnd(events);
  return {
    findings,
    summary: {
      events: events.length,
      actors: index.actors.length,
      messages: runtime.delivery.messages.length,
      errors,
      warnings: findings.length - errors,
      ok: errors === 0,
      byChecker,
      delivery: runtime.delivery.counts,
      tasks: {
        declared: ctx.tasks.size,
        completed: completed.size,
        runCompleted: end ? end.completed : null,
      },
    },
    index,
    clocks: ctx.clocks,
    delivery: runtime.delivery,
  };
}

/** Reads a JSON Lines trace file and analyzes it (what `llm-teams analyze` calls). */
export async function analyzeTraceFile(
  path: string,
  options: AnalyzeOptions = {},
): Promise<AnalysisResult & { events: TraceEvent[] }> {
  const events = parseTrace(await readFile(path, 'utf8'), { source: path });
  return { ...analyzeTrace(events, options), events };
}
