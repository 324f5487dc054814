import type { TraceEvent } from '@llm-teams/runtime';
import { analyzeTrace, type AnalysisResult } from '../analysis/analyze-trace.js';
import { criticalPathLength, parallelFraction } from '@llm-teams/agents';
import { countConflicts, type ConflictCounts } from './conflict-metrics.js';
import { readRunStart } from './run-start.js';
import { criticalPathModelMs } from './scaling-bounds.js';
import { measureSchedule, type ScheduleMetrics, type TaskSpan } from './schedule-metrics.js';

// The spans these metrics build are what the schedule reads: the type lives with it.
export type { TaskSpan };

export interface AgentMetrics {
  id: string;
  /** Model time spent on tasks (start to done, fail or release). */
  busyModelMs: number;
  /** Makespan minus busy time. */
  idleModelMs: number;
  tasksDone: number;
  /** Model time of the agent's last completion; 0 if it completed nothing. */
  lastDoneModelMs: number;
}

/** Everything measured on one run's trace (docs/metrics.md defines each). */
export interface RunMetrics {
  makespanModelMs: number;
  /** Sum of all task attempts' model time (the team's work, including failed attempts). */
  workModelMs: number;
  tasks: { declared: number; done: number };
  /** The declared task graph, unit weights: tasks on its critical path and `p = 1 - span / work`. */
  dag: { tasks: number; criticalPathTasks: number; p: number };
  /** Per task: model time of its attempts, backups excluded unless they finished it. */
  taskModelMs: Record<string, number>;
  /** The longest dependency chain weighted by `taskModelMs` (T_inf of this run). */
  criticalPathModelMs: number;
  tokens: { input: number; output: number; cached: number; total: number };
  llmCalls: number;
  messages: { total: number; byType: Record<string, number>; retries: number };
  agents: AgentMetrics[];
  /** Mean over agents of idle time / makespan. */
  idleFraction: number;
  stragglerGapModelMs: number;
  /** Straggler gap / makespan. */
  stragglerGapFraction: number;
  conflicts: ConflictCounts;
  /** Backup copies of straggling tasks started (deliberate duplicates, not conflicts). */
  backupClaims: number;
  testRuns: { total: number; failed: number };
  checkers: { errors: number; warnings: number };
  /** How well the work was scheduled: worker time by kind, the ideal list schedule of these
   *  durations, starts out of model-time order, reassignment latency (schedule-metrics.ts). */
  schedule: ScheduleMetrics;
}

export interface MeasureTraceOptions {
  /** Use this makespan (e.g. `TeamRunResult.makespanModelMs`) instead of the latest `done`. */
  makespanModelMs?: number;
  /** Team size, when the trace has no `run.start` mark; agents that never worked count idle. */
  agents?: number;
  /** A finished `analyzeTrace` of the same events, to avoid running the checkers twice. */
  analysis?: AnalysisResult;
}

const modelTimeOf = (e: TraceEvent): number | undefined => {
  const v = (e as { modelTime?: unknown }).modelTime;
  return typeof v === 'number' && Number.isFinite(v) ? v : undefined;
};

/** Every task attempt in the trace, per agent lane in program order. */
export function taskSpans(events: readonly TraceEvent[]): TaskSpan[] {
  const lanes = new Map<string, TraceEvent[]>();
  for (const e of events) {
    const lane = lanes.get(e.actor);
    if (lane) lane.push(e);
    else lanes.set(e.actor, [e]);
  }
  const spans: TaskSpan[] = [];
  for (const [actor, lane] of lanes) {
    lane.sort((a, b) => a.seq - b.seq);
    let open: TaskSpan | undefined;
    let latest = 0;
    for (const e of lane) {
      const t = modelTimeOf(e);
      if (t !== undefined) latest = Math.max(latest, t);
      if (e.kind !== 'task') continue;
      if (e.phase === 'start') {
        if (open) spans.push({ ...open, endModelMs: Math.max(open.startModelMs, t ?? latest) });
        open = {
          actor,
          taskId: e.taskId,
          startModelMs: t ?? latest,
          endModelMs: t ?? latest,
          outcome: 'open',
          backup: e['backup'] === true,
        };
      } else if (open && open.taskId === e.taskId && e.phase !== 'claim') {
        spans.push({
          ...open,
          endModelMs: Math.max(open.startModelMs, t ?? latest),
          outcome: e.phase,
        });
        open = undefined;
      }
    }
    if (open) spans.push({ ...open, endModelMs: Math.max(open.startModelMs, latest) });
  }
  return spans;
}

function agentIds(events: readonly TraceEvent[], spans: readonly TaskSpan[]): string[] {
  const ids = new Set(spans.map((s) => s.actor));
  for (const e of events) if (e.kind === 'llm') ids.add(e.actor);
  return [...ids].sort();
}

/** Model time per task; a backup's span counts only when the backup finished the task. */
function taskModelTimes(spans: readonly TaskSpan[]): Record<string, number> {
  const taskModelMs: Record<string, number> = {};
  const finishedByBackup = new Set(
    spans.filter((s) => s.backup && s.outcome === 'done').map((s) => `${s.actor}\u0000${s.taskId}`),
  );
  for (const s of spans) {
    if (s.backup && !finishedByBackup.has(`${s.actor}\u0000${s.taskId}`)) continue;
    taskModelMs[s.taskId] = (taskModelMs[s.taskId] ?? 0) + (s.endModelMs - s.startModelMs);
  }
  return taskModelMs;
}

/** Busy and idle model time per agent; workers absent from the trace were idle throughout. */
function agentMetrics(
  events: readonly TraceEvent[],
  spans: readonly TaskSpan[],
  makespan: number,
  declaredAgents: number,
): AgentMetrics[] {
  const ids = agentIds(events, spans);
  const teamSize = Math.max(ids.length, declaredAgents);
  // Workers that never appear in the trace did nothing: idle for the whole run.
  for (let k = 1; ids.length < teamSize; k++) ids.push(`(idle ${k})`);
  return ids.map((id) => {
    const own = spans.filter((s) => s.actor === id);
    const busy = own.reduce(
      (sum, s) =>
        sum + Math.max(0, Math.min(s.endModelMs, makespan) - Math.min(s.startModelMs, makespan)),
      0,
    );
    const done = own.filter((s) => s.outcome === 'done');
    return {
      id,
      busyModelMs: busy,
      idleModelMs: Math.max(0, makespan - busy),
      tasksDone: done.length,
      lastDoneModelMs: Math.max(0, ...done.map((s) => s.endModelMs)),
    };
  });
}

/** Tokens, model calls, messages by type, retries and test runs, counted event by event. */
function countEvents(events: readonly TraceEvent[]) {
  const tokens = { input: 0, output: 0, cached: 0, total: 0 };
  let llmCalls = 0;
  const byType: Record<string, number> = {};
  let messages = 0;
  let retries = 0;
  let testRuns = 0;
  let failedTests = 0;
  for (const e of events) {
    if (e.kind === 'llm') {
      llmCalls++;
      tokens.input += e.inputTokens;
      tokens.output += e.outputTokens;
      tokens.cached += e.cachedTokens ?? 0;
    } else if (e.kind === 'send') {
      if (e.attempt > 1) retries++;
      else {
        messages++;
        byType[e.type] = (byType[e.type] ?? 0) + 1;
      }
    } else if (e.kind === 'tool' && e.name === 'run_tests') {
      testRuns++;
      if (e.outcome === 'fail') failedTests++;
    }
  }
  tokens.total = tokens.input + tokens.output;
  return { tokens, llmCalls, messages, byType, retries, testRuns, failedTests };
}

/**
 * Measures a run from its trace alone: makespan and work in model time, task durations and the
 * critical path, tokens, messages, idle time, the straggler gap, consistency conflicts and
 * failed test runs. Runs every checker (`analyzeTrace`) unless given its result.
 */
export function measureTrace(
  events: readonly TraceEvent[],
  options: MeasureTraceOptions = {},
): RunMetrics {
  const start = readRunStart(events);
  const declared = start?.tasks ?? [];
  const deps = Object.fromEntries(declared.map((t) => [t.id, t.deps]));
  const analysis = options.analysis ?? analyzeTrace(events, { deps });
  const spans = taskSpans(events);

  const doneTimes = spans.filter((s) => s.outcome === 'done').map((s) => s.endModelMs);
  const makespan = options.makespanModelMs ?? Math.max(0, ...doneTimes);

  const taskModelMs = taskModelTimes(spans);
  const work = spans.reduce((sum, s) => sum + (s.endModelMs - s.startModelMs), 0);

  const agents = agentMetrics(events, spans, makespan, options.agents ?? start?.agents ?? 0);
  const finishes = agents.map((a) => a.lastDoneModelMs).sort((a, b) => a - b);
  const nextToLast = finishes.length >= 2 ? finishes[finishes.length - 2]! : makespan;
  const stragglerGap = Math.max(0, makespan - nextToLast);

  const { tokens, llmCalls, messages, byType, retries, testRuns, failedTests } =
    countEvents(events);
  const schedule = measureSchedule(
    events,
    spans,
    declared,
    agents.map((a) => a.id),
    makespan,
    taskModelMs,
  );

  return {
    makespanModelMs: makespan,
    workModelMs: work,
    tasks: {
      declared: declared.length,
      done: new Set(spans.filter((s) => s.outcome === 'done').map((s) => s.taskId)).size,
    },
    dag: {
      tasks: declared.length,
      criticalPathTasks: criticalPathLength(declared),
      p: parallelFraction(declared),
    },
    taskModelMs,
    criticalPathModelMs: declared.length > 0 ? criticalPathModelMs(declared, taskModelMs) : 0,
    tokens,
    llmCalls,
    messages: { total: messages, byType, retries },
    agents,
    idleFraction:
      makespan > 0 && agents.length > 0
        ? agents.reduce((s, a) => s + a.idleModelMs, 0) / agents.length / makespan
        : 0,
    stragglerGapModelMs: stragglerGap,
    stragglerGapFraction: makespan > 0 ? stragglerGap / makespan : 0,
    conflicts: countConflicts(events, analysis),
    backupClaims: spans.filter((s) => s.backup).length,
    testRuns: { total: testRuns, failed: failedTests },
    checkers: { errors: analysis.summary.errors, warnings: analysis.summary.warnings },
    schedule,
  };
}
