import { mkdir, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { runTeam, type RunningTeam, type TeamRunOptions } from '@llm-teams/agents';
import type { NatsConnection } from '@llm-teams/broker';
import { createTraceRecorder, type TraceEvent, type TraceRecorder } from '@llm-teams/runtime';
import { measureTrace, taskSpans } from '../metrics/index.js';
import { writeRunReport } from '../report/index.js';
import { loadSuite, type SuiteSearchOptions } from '../suites/index.js';
import { deleteTeamResources } from './nats-session.js';
import type { RunRecord } from './run-record.js';
import { normalizeRunSpec, runKey, runSpecSchema, type RunSpec } from './run-spec.js';

export const RUN_FILES = {
  trace: 'trace.jsonl',
  result: 'result.json',
  report: 'report.html',
} as const;

export interface RunExperimentOptions extends SuiteSearchOptions {
  spec: RunSpec;
  nc: NatsConnection;
  /** Directory for `trace.jsonl`, `result.json` and `report.html`. Default: write nothing. */
  outDir?: string;
  /** Write `report.html` too (needs `outDir`). Default true. */
  report?: boolean;
  /** Team name (a subject token). Default: `runTeam`'s, from the seed and the time. */
  team?: string;
  /** Delete the team's streams and buckets afterwards. Default true. */
  cleanup?: boolean;
  /** Node name in the trace. */
  node?: string;
  /** Passed through to `runTeam` (fault injection, tests). */
  onStarted?: (team: RunningTeam) => void | Promise<void>;
  /** More `runTeam` options (budgets, limits, coordinator tuning). */
  teamOptions?: Partial<Omit<TeamRunOptions, 'nc' | 'suite' | 'trace'>>;
}

/**
 * Runs one team on one suite (a `RunSpec`), measures it from its trace, and (with `outDir`)
 * writes `trace.jsonl`, `result.json` and `report.html`. The trace is kept in memory for the
 * metrics and streamed to the file as it is recorded.
 */
export async function runExperiment(options: RunExperimentOptions): Promise<RunRecord> {
  const spec = normalizeRunSpec(runSpecSchema.parse(options.spec));
  const suite = await loadSuite({
    suite: spec.suite,
    p: spec.p,
    ...(options.searchDirs ? { searchDirs: options.searchDirs } : {}),
  });
  const events: TraceEvent[] = [];
  let recorder: TraceRecorder | undefined;
  if (options.outDir !== undefined) {
    await mkdir(options.outDir, { recursive: true });
    // A run interrupted earlier may have left a partial trace; the recorder appends.
    await rm(join(options.outDir, RUN_FILES.trace), { force: true });
    recorder = createTraceRecorder({ file: join(options.outDir, RUN_FILES.trace) });
  }
  const startedAt = new Date().toISOString();
  let result;
  try {
    result = await runTeam({
      ...options.teamOptions,
      nc: options.nc,
      suite,
      arch: spec.arch,
      agents: spec.agents,
      model: spec.model,
      seed: spec.seed,
      timeScale: spec.timeScale,
      ...(spec.deadlineMs !== undefined ? { deadlineMs: spec.deadlineMs } : {}),
      ...(options.team !== undefined ? { team: options.team } : {}),
      ...(options.node !== undefined ? { node: options.node } : {}),
      ...(options.onStarted ? { onStarted: options.onStarted } : {}),
      trace: {
        write(e) {
          events.push(e);
          recorder?.write(e);
        },
      },
    });
  } finally {
    await recorder?.close();
  }
  if (options.cleanup ?? true) {
    await deleteTeamResources(options.nc, result.team, options.teamOptions?.prefix);
  }
  const metrics = measureTrace(events, {
    makespanModelMs: result.makespanModelMs,
    agents: result.agents,
  });
  const files: RunRecord['files'] = {};
  if (options.outDir !== undefined) {
    files.trace = RUN_FILES.trace;
    files.result = RUN_FILES.result;
    if (options.report ?? true) files.report = RUN_FILES.report;
  }
  const record: RunRecord = { v: 1, key: runKey(spec), spec, startedAt, result, metrics, files };
  if (options.outDir !== undefined) {
    await writeFile(join(options.outDir, RUN_FILES.result), JSON.stringify(record, null, 2) + '\n');
    if (files.report) {
      await writeRunReport(record, join(options.outDir, RUN_FILES.report), {
        spans: taskSpans(events),
      });
    }
  }
  return record;
}
