import type { RunRecord, RunSpec } from '@llm-teams/lab';
import { runKey } from '@llm-teams/lab';

export interface FakeRun {
  suite?: string;
  p?: number;
  arch?: RunSpec['arch'];
  n: number;
  seed?: string;
  model?: string;
  makespanMs: number;
  tokens?: number;
  spanMs?: number;
  messages?: Record<string, number>;
  status?: 'completed' | 'failed' | 'deadline' | 'budget';
  conflicts?: Partial<RunRecord['metrics']['conflicts']>;
  stragglerFraction?: number;
  models?: Record<string, string>;
  workload?: 'fixed' | 'scaled';
  /** Model time of each task (the run's work is their sum). */
  taskMs?: Record<string, number>;
}

/** A run scheduled as well as the ideal list schedule of its durations. */
const SCHEDULE = {
  shares: { work: 1, wastedCopies: 0, wastedBackups: 0, idle: 0, idleWhileReady: 0, clockJumps: 0 },
  listScheduleEfficiency: 1,
  outOfOrderStarts: 0,
  starts: 20,
  reassignWallMs: { mean: 0, max: 0 },
};

const NO_USAGE = {
  run: {
    calls: 0,
    attempts: 0,
    inputTokens: 0,
    outputTokens: 0,
    cachedTokens: 0,
    costUsd: 0,
    latencyMs: 0,
  },
  teams: {},
  models: {},
};

/** A run record with just the fields summaries read. */
export function fakeRecord(r: FakeRun): RunRecord {
  const spec: RunSpec = {
    suite: r.suite ?? 'math',
    p: r.p ?? 0.5,
    arch: r.arch ?? 'centralized',
    agents: r.n,
    model: r.model ?? 'sim:claude-sonnet-4-6',
    seed: r.seed ?? '1-r0',
    timeScale: 0.001,
    ...(r.models ? { models: r.models } : {}),
    ...(r.workload ? { workload: r.workload } : {}),
  };
  const tokens = r.tokens ?? 1000;
  const messages = r.messages ?? { 'task.assign': 20 };
  return {
    v: 1,
    key: runKey(spec),
    spec,
    startedAt: '2026-01-01T00:00:00.000Z',
    files: {},
    result: {
      status: r.status ?? 'completed',
      team: 't',
      arch: spec.arch,
      agents: r.n,
      model: spec.model,
      seed: spec.seed,
      timeScale: spec.timeScale,
      makespanModelMs: r.makespanMs,
      wallMs: 1,
      tasks: [],
      usage: NO_USAGE,
      hostStats: {} as RunRecord['result']['hostStats'],
    },
    metrics: {
      makespanModelMs: r.makespanMs,
      workModelMs: 0,
      tasks: { declared: 20, done: 20 },
      dag: { tasks: 20, criticalPathTasks: 10, p: spec.p },
      taskModelMs: r.taskMs ?? {},
      criticalPathModelMs: r.spanMs ?? 0,
      tokens: { input: tokens * 0.8, output: tokens * 0.2, cached: 0, total: tokens },
      llmCalls: 0,
      messages: {
        total: Object.values(messages).reduce((a, b) => a + b, 0),
        byType: messages,
        retries: 0,
      },
      agents: [],
      idleFraction: 0,
      stragglerGapModelMs: (r.stragglerFraction ?? 0) * r.makespanMs,
      stragglerGapFraction: r.stragglerFraction ?? 0,
      conflicts: {
        concurrentWrites: 0,
        rewrites: 0,
        temporalViolations: 0,
        duplicateClaims: 0,
        refusedCas: 0,
        duplicateCompletions: 0,
        lostCompletions: 0,
        ...r.conflicts,
      },
      backupClaims: 0,
      testRuns: { total: 0, failed: 0 },
      schedule: { ...SCHEDULE, listScheduleModelMs: r.makespanMs },
      checkers: { errors: 0, warnings: 0 },
    },
  };
}
