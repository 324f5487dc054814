import { mkdir, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { runTeam, type RunningTeam, type TeamRunOptions } from '@llm-teams/agents';
import type { NatsConnection } from '@llm-teams/broker';
import { createRandom, redact, systemClock, type Clock, type TraceEvent } from '@llm-teams/runtime';
import { measureTrace, taskSpans } from '../metrics/trace-metrics.js';
import { writeRunReport } from '../report/run-report.js';
import { loadSuite } from '../suites/suite-loader.js';
import { scaleSuite } from '../suites/scaled-suite.js';
import type { SuiteSearchOptions } from '../suites/suite-source.js';
import { deleteTeamResources } from './nats-session.js';
import {
  closeHostsAndTrace,
  composedOnStarted,
  DIRECTOR_HOST,
  type TeamHosts,
} from './team-hosts.js';
import type { RunRecord } from './run-record.js';
import { gatherTeamTrace, openTeamTrace, type TeamTrace } from './team-trace.js';
import {
  modelTimeOrderOf,
  normalizeRunSpec,
  runKey,
  runSpecSchema,
  type RunSpec,
} from './run-spec.js';

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
  /** With `cleanup`, keep the team's trace stream (bounded; its chunks age out after 7 days)
   *  for `llm-teams collect`. Default false. */
  keepTraceStream?: boolean;
  /** Node name in the trace. Default `node-<pid>`; `director` when members run elsewhere. */
  node?: string;
  /** Publish this host's trace to the team's trace stream. Default true. */
  traceStream?: boolean;
  /** With members elsewhere: how long the merge waits for a host that has not closed its
   *  trace (one that was killed) once nothing new arrives. Default 3000. */
  traceQuietMs?: number;
  /** Sees each trace event of this host as it is recorded (the soak notes the run's end). */
  onEvent?: (event: TraceEvent) => void;
  /** Passed through to `runTeam` (fault injection, tests). */
  onStarted?: (team: RunningTeam) => void | Promise<void>;
  /** More `runTeam` options (budgets, limits, coordinator tuning). */
  teamOptions?: Partial<Omit<TeamRunOptions, 'nc' | 'suite' | 'trace'>>;
  /** Each member on a host of its own (`openTeamHosts`): the run then runs on the director's
   *  host and the members join from theirs. Default: every member in one host on `nc`. */
  hosts?: TeamHosts;
}

/** A team name from the seed and the time, as `runTeam` would draw it. */
function defaultTeamName(seed: string, clock: Clock): string {
  return `r${createRandom(seed).fork('team').int(1e9).toString(36)}${clock.now().toString(36)}`;
}

/** Clears what an interrupted run left and opens this host's trace (file and stream). */
async function openRunTrace(
  options: RunExperimentOptions,
  team: string,
  node: string,
  ownFile: string,
  onEvent: (e: TraceEvent) => void,
): Promise<TeamTrace> {
  if (options.outDir !== undefined) {
    await mkdir(options.outDir, { recursive: true });
    // A run interrupted earlier may have left a partial trace; the recorder appends.
    await rm(join(options.outDir, RUN_FILES.trace), { force: true });
    await rm(join(options.outDir, ownFile), { force: true });
  }
  return openTeamTrace({
    nc: options.nc,
    team,
    prefix: options.teamOptions?.prefix,
    node,
    file: options.outDir !== undefined ? join(options.outDir, ownFile) : undefined,
    onEvent,
    stream: options.traceStream ?? true,
  });
}

/** The team's merged trace: every host's part from the trace stream, this host's own events. */
async function mergeTeamTrace(
  options: RunExperimentOptions,
  host: string,
  team: string,
  events: TraceEvent[],
): Promise<TraceEvent[]> {
  const merged = await gatherTeamTrace({
    nc: options.nc,
    team,
    prefix: options.teamOptions?.prefix,
    local: { host, events },
    waitForEnds: true,
    quietMs: options.traceQuietMs ?? 3000,
  });
  if (options.outDir !== undefined) {
    await writeFile(
      join(options.outDir, RUN_FILES.trace),
      // The stream's chunks were redacted by their hosts; this host's own events were not.
      redact(merged.events.map((e) => JSON.stringify(e) + '\n').join('')),
    );
  }
  return merged.events;
}

function runFiles(options: RunExperimentOptions): RunRecord['files'] {
  const files: RunRecord['files'] = {};
  if (options.outDir !== undefined) {
    files.trace = RUN_FILES.trace;
    files.result = RUN_FILES.result;
    if (options.report ?? true) files.report = RUN_FILES.report;
  }
  return files;
}

/** What the spec says of the team: who, on what model, with what seed and pacing. */
function specTeamOptions(
  spec: RunSpec,
  teamOptions: NonNullable<RunExperimentOptions['teamOptions']>,
): Pick<TeamRunOptions, 'arch' | 'agents' | 'model' | 'models' | 'seed' | 'timeScale'> &
  Partial<Pick<TeamRunOptions, 'deadlineMs' | 'coordinator'>> {
  return {
    arch: spec.arch,
    agents: spec.agents,
    model: spec.model,
    ...(spec.models !== undefined ? { models: spec.models } : {}),
    seed: spec.seed,
    timeScale: spec.timeScale,
    ...(spec.deadlineMs !== undefined ? { deadlineMs: spec.deadlineMs } : {}),
    ...(spec.arch === 'centralized'
      ? { coordinator: { ...teamOptions.coordinator, modelTimeOrder: modelTimeOrderOf(spec) } }
      : {}),
  };
}

/** `result.json` and `report.html` in `outDir`, if there is one. */
async function writeRunFiles(
  options: RunExperimentOptions,
  record: RunRecord,
  events: readonly TraceEvent[],
): Promise<void> {
  if (options.outDir === undefined) return;
  await writeFile(join(options.outDir, RUN_FILES.result), JSON.stringify(record, null, 2) + '\n');
  if (record.files.report) {
    await writeRunReport(record, join(options.outDir, RUN_FILES.report), {
      spans: taskSpans(events),
    });
  }
}

/**
 * Runs one team on one suite (a `RunSpec`), measures it from its trace, and (with `outDir`)
 * writes `trace.jsonl`, `result.json` and `report.html`. The trace is kept in memory for the
 * metrics and streamed to the file as it is recorded, and to the team's trace stream.
 *
 * With members elsewhere (`teamOptions.localMembers`), this host's own trace goes to
 * `trace.<node>.jsonl`, and `trace.jsonl` is the team's merged trace: every host's part read
 * back from the trace stream once the run is over (waiting for the hosts still closing), with
 * this host's own events. The metrics are measured on the merged trace.
 */
export async function runExperiment(options: RunExperimentOptions): Promise<RunRecord> {
  const spec = normalizeRunSpec(runSpecSchema.parse(options.spec));
  const loaded = await loadSuite({
    suite: spec.suite,
    p: spec.p,
    ...(options.searchDirs ? { searchDirs: options.searchDirs } : {}),
  });
  // A scaled workload grows with the team: one copy of the task graph per agent.
  const suite = spec.workload === 'scaled' ? scaleSuite(loaded, spec.agents) : loaded;
  let events: TraceEvent[] = [];
  const hosts = options.hosts;
  const teamOptions = options.teamOptions ?? {};
  // The team's clock names the team and stamps the record. Default: the system clock.
  const clock = teamOptions.clock ?? systemClock;
  // Members on hosts of their own, and members elsewhere, need the team's name in advance.
  const team = options.team ?? teamOptions.team ?? defaultTeamName(spec.seed, clock);
  const prefix = teamOptions.prefix;
  const distributed = teamOptions.localMembers !== undefined;
  const node =
    options.node ?? (distributed ? 'director' : hosts ? DIRECTOR_HOST : `node-${process.pid}`);
  const ownFile = distributed ? `trace.${node}.jsonl` : RUN_FILES.trace;
  const trace = await openRunTrace(options, team, node, ownFile, (e) => {
    events.push(e);
    options.onEvent?.(e);
  });
  const startedAt = new Date(clock.now()).toISOString();
  hosts?.start(team, {
    trace,
    ...(teamOptions.modelOptions ? { modelOptions: teamOptions.modelOptions } : {}),
    ...(teamOptions.interceptor ? { interceptor: teamOptions.interceptor } : {}),
    ...(prefix ? { prefix } : {}),
  });
  const started = options.onStarted ?? teamOptions.onStarted;
  let result;
  try {
    result = await runTeam({
      ...teamOptions,
      ...(hosts ? { localMembers: [], clock: hosts.clocks.clocks.get(DIRECTOR_HOST)! } : {}),
      nc: hosts?.directorNc ?? options.nc,
      suite,
      ...specTeamOptions(spec, teamOptions),
      team,
      node,
      ...composedOnStarted(hosts, started),
      trace,
    });
  } finally {
    await closeHostsAndTrace(hosts, trace);
  }
  if (distributed && trace.publisher) {
    events = await mergeTeamTrace(options, trace.publisher.host, team, events);
  }
  if (options.cleanup ?? true) {
    await deleteTeamResources(options.nc, result.team, prefix, {
      keepTraceStream: options.keepTraceStream ?? false,
    });
  }
  const metrics = measureTrace(events, {
    makespanModelMs: result.makespanModelMs,
    agents: result.agents,
  });
  const record: RunRecord = {
    v: 1,
    key: runKey(spec),
    spec,
    startedAt,
    result,
    metrics,
    files: runFiles(options),
  };
  await writeRunFiles(options, record, events);
  return record;
}
