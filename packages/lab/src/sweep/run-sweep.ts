import { createHash } from 'node:crypto';
import { appendFileSync } from 'node:fs';
import { mkdir, writeFile } from 'node:fs/promises';
import { availableParallelism } from 'node:os';
import { join } from 'node:path';
import { checkModelCredentials } from '@llm-teams/agents';
import type { NatsAuthFlags } from '@llm-teams/broker';
import { writeSweepReport } from '../report/sweep-report.js';
import { openNatsSession, type NatsSession } from '../run/nats-session.js';
import { runKey, runSlug, type RunSpec } from '../run/run-spec.js';
import type { RunRecord } from '../run/run-record.js';
import { loadSuite } from '../suites/suite-loader.js';
import type { SuiteSearchOptions } from '../suites/suite-source.js';
import { expandGrid, sweepGridSchema, type SweepGrid } from './sweep-grid.js';
import { openResultsStore, type ResultsStore } from './results-store.js';
import { summarizeSweep, type SweepSummary } from './sweep-summary.js';
import { createWorkerPool, type WorkerPool } from './worker-pool.js';
import type { UsageLimits } from '@llm-teams/agents';
import { systemClock, type Clock } from '@llm-teams/runtime';
import { createQueuePool, sweepId } from './sweep-queue.js';
import { LabError } from '../lab-error.js';

export const SWEEP_FILES = {
  grid: 'sweep.json',
  results: 'results.jsonl',
  errors: 'errors.jsonl',
  summary: 'summary.json',
  report: 'report.html',
  runs: 'runs',
} as const;

export interface SweepProgress {
  /** Runs of the grid with a record (before and during this session). */
  done: number;
  total: number;
  /** Runs finished in this session, and how many of them threw. */
  ran: number;
  failed: number;
  elapsedMs: number;
  /** Estimated ms to the end, from this session's pace; undefined before the first run. */
  etaMs: number | undefined;
  /** The run that just finished. */
  last?: { key: string; status: string; error?: string };
}

export interface RunSweepOptions extends SuiteSearchOptions {
  grid: SweepGrid;
  /** Directory for `results.jsonl`, `summary.json`, `report.html` (and per-run traces). */
  outDir: string;
  /** NATS to run on. Default: an embedded nats-server for the sweep. */
  natsUrl?: string;
  /** Credential flags for it (each overrides its variable, in the sweep and its workers). */
  natsAuthFlags?: NatsAuthFlags;
  /** Runs at once, each in its own worker process. Default: the available cores. 0: queue
   *  every run on the NATS server (`natsUrl`) for `llm-teams worker` processes anywhere to
   *  pull (sweep-queue.ts); per-run traces then stay where each run ran. */
  jobs?: number;
  /** Each run's team-wide budget and rates (docs/limits.md): every run of the grid is a team
   *  of its own, with limits of its own. Default: none. */
  usageLimits?: UsageLimits;
  /** Run at most this many new runs in this session, then stop (a later call resumes). */
  limit?: number;
  /** Keep each run's `trace.jsonl` and `result.json` under `runs/<slug>/`. Default true. */
  traces?: boolean;
  /** Stops the sweep: no new runs start, runs in flight are abandoned (a later call redoes them). */
  signal?: AbortSignal;
  onProgress?: (progress: SweepProgress) => void;
  /** Stamps the files, names the runs' teams, times the progress. Default: the system clock. */
  clock?: Clock;
}

export interface SweepOutcome {
  /** `completed`: every run of the grid has a record; `stopped`: aborted or limited (call
   *  again to continue); `failed`: runs threw (see `errors.jsonl`; calling again retries them). */
  status: 'completed' | 'stopped' | 'failed';
  total: number;
  /** Runs that already had a record when the session started. */
  resumed: number;
  ran: number;
  failed: number;
  summary: SweepSummary;
  files: { results: string; summary: string; report: string };
}

const teamName = (key: string, clock: Clock) =>
  `sw${createHash('sha1').update(key).digest('hex').slice(0, 8)}${clock.now().toString(36)}`;

const isoNow = (clock: Clock) => new Date(clock.now()).toISOString();

/** Fails before anything runs if a suite, a structure or a model of the grid is unusable. */
async function checkGrid(grid: SweepGrid, options: SuiteSearchOptions): Promise<void> {
  for (const model of grid.models) checkModelCredentials(model, process.env);
  for (const suite of grid.suites) {
    for (const p of grid.p) {
      await loadSuite({
        suite,
        p,
        ...(options.searchDirs ? { searchDirs: options.searchDirs } : {}),
      });
    }
  }
}

/**
 * Runs a grid of teams in parallel worker processes against one NATS server, appending each
 * finished run to `results.jsonl`. Resumable: runs whose key already has a record are skipped,
 * so calling it again with the same `outDir` continues a stopped sweep. Ends by writing
 * `summary.json` and `report.html` over every record in the file.
 */
export async function runSweep(options: RunSweepOptions): Promise<SweepOutcome> {
  const grid = sweepGridSchema.parse(options.grid);
  const clock = options.clock ?? systemClock;
  await checkGrid(grid, options);
  await mkdir(options.outDir, { recursive: true });
  await writeFile(
    join(options.outDir, SWEEP_FILES.grid),
    JSON.stringify({ grid, updatedAt: isoNow(clock) }, null, 2) + '\n',
  );
  const store = await openResultsStore(join(options.outDir, SWEEP_FILES.results));
  const specs = expandGrid(grid);
  const keys = new Set(specs.map(runKey));
  const resumed = [...keys].filter((k) => store.done.has(k)).length;
  let todo = specs.filter((s) => !store.done.has(runKey(s)));
  if (options.limit !== undefined) todo = todo.slice(0, Math.max(0, options.limit));
  const queued = options.jobs === 0;
  if (queued && options.natsUrl === undefined) {
    throw new LabError(
      'INVALID_ARGUMENT',
      'a sweep queued for workers (jobs 0) needs the NATS server they pull from (natsUrl)',
    );
  }
  // Queued: every run is in flight at once (each waits on the queue for its worker).
  const jobs = queued
    ? Math.max(1, todo.length)
    : Math.max(1, Math.min(options.jobs ?? availableParallelism(), todo.length || 1));
  const doneInGrid = () => [...keys].filter((k) => store.done.has(k)).length;
  const tally = createTally(specs.length, doneInGrid, options.onProgress, clock);
  tally.report();

  let session: NatsSession | undefined;
  let pool: WorkerPool | undefined;
  const aborted = () => options.signal?.aborted === true;
  try {
    if (todo.length > 0 && !aborted()) {
      session = await openNatsSession({
        ...(options.natsUrl !== undefined ? { url: options.natsUrl } : {}),
        name: 'llm-teams-sweep',
        ...(options.natsAuthFlags ? { authFlags: options.natsAuthFlags } : {}),
      });
      pool = await openPool(options, session, queued, jobs);
      const sweep: SweepLanes = { options, clock, pool, store, tally, queued, aborted };
      await runLanes(sweep, todo, jobs);
    }
  } finally {
    await pool?.close();
    await session?.close();
  }

  const { summary, files } = await writeSummary(store, options.outDir, clock);
  const complete = doneInGrid() === specs.length;
  return {
    status: complete ? 'completed' : aborted() || tally.failed === 0 ? 'stopped' : 'failed',
    total: specs.length,
    resumed,
    ran: tally.ran,
    failed: tally.failed,
    summary,
    files,
  };
}

/** This session's count of finished runs, told to `onProgress`. */
interface SweepTally {
  ran: number;
  failed: number;
  report(last?: SweepProgress['last']): void;
}

function createTally(
  total: number,
  doneInGrid: () => number,
  onProgress: RunSweepOptions['onProgress'],
  clock: Clock,
): SweepTally {
  const started = clock.now();
  const tally: SweepTally = {
    ran: 0,
    failed: 0,
    report(last) {
      const done = doneInGrid();
      const elapsedMs = clock.now() - started;
      const left = total - done;
      onProgress?.({
        done,
        total,
        ran: tally.ran,
        failed: tally.failed,
        elapsedMs,
        etaMs: tally.ran > 0 ? (elapsedMs / tally.ran) * left : undefined,
        ...(last ? { last } : {}),
      });
    },
  };
  return tally;
}

async function openPool(
  options: RunSweepOptions,
  session: NatsSession,
  queued: boolean,
  jobs: number,
): Promise<WorkerPool> {
  if (queued) return createQueuePool({ nc: session.nc, sweep: sweepId(options.outDir) });
  return createWorkerPool({
    size: jobs,
    natsUrl: session.url,
    ...(options.natsAuthFlags ? { natsAuthFlags: options.natsAuthFlags } : {}),
    ...(options.searchDirs ? { searchDirs: options.searchDirs } : {}),
    ...(options.usageLimits ? { usageLimits: options.usageLimits } : {}),
  });
}

/** What the lanes of a sweep share. */
interface SweepLanes {
  options: RunSweepOptions;
  clock: Clock;
  pool: WorkerPool;
  store: ResultsStore;
  tally: SweepTally;
  queued: boolean;
  aborted: () => boolean;
}

/** Runs `todo` on `jobs` lanes until done or aborted (then the pool is closed at once, so the
 *  runs in flight end now and their lanes unwind). */
async function runLanes(sweep: SweepLanes, todo: RunSpec[], jobs: number): Promise<void> {
  const { options, aborted } = sweep;
  const stop = new Promise<void>((resolve) => {
    if (aborted()) resolve();
    options.signal?.addEventListener('abort', () => resolve(), { once: true });
  });
  const queue = [...todo];
  const lane = async (): Promise<void> => {
    for (let spec = queue.shift(); spec && !aborted(); spec = queue.shift()) {
      await runOne(sweep, spec);
    }
  };
  const lanes = Promise.all(Array.from({ length: jobs }, lane));
  await Promise.race([lanes, stop]);
  await sweep.pool.close();
  await lanes;
}

/** One run of the grid: its record appended, or its error written to `errors.jsonl`. */
async function runOne(sweep: SweepLanes, spec: RunSpec): Promise<void> {
  const { options, tally, aborted } = sweep;
  const key = runKey(spec);
  const outDir =
    (options.traces ?? true) && !sweep.queued
      ? join(options.outDir, SWEEP_FILES.runs, runSlug(spec))
      : undefined;
  try {
    const record: RunRecord = await sweep.pool.run({
      spec,
      team: teamName(key, sweep.clock),
      ...(outDir !== undefined ? { outDir } : {}),
    });
    if (aborted()) return;
    if (record.files.trace !== undefined) {
      record.files = {
        trace: join(SWEEP_FILES.runs, runSlug(spec), record.files.trace),
        ...(record.files.result !== undefined
          ? { result: join(SWEEP_FILES.runs, runSlug(spec), record.files.result) }
          : {}),
      };
    }
    sweep.store.append(record);
    tally.ran++;
    tally.report({ key, status: record.result.status });
  } catch (err) {
    if (aborted()) return;
    const message = err instanceof Error ? err.message : String(err);
    appendFileSync(
      join(options.outDir, SWEEP_FILES.errors),
      JSON.stringify({ key, error: message, at: isoNow(sweep.clock) }) + '\n',
    );
    tally.ran++;
    tally.failed++;
    tally.report({ key, status: 'error', error: message.split('\n')[0]! });
  }
}

/** Writes `summary.json` and `report.html` over every record of the store. */
async function writeSummary(
  store: ResultsStore,
  outDir: string,
  clock: Clock,
): Promise<{ summary: SweepSummary; files: SweepOutcome['files'] }> {
  const summary = summarizeSweep(store.records, clock);
  const files = {
    results: store.file,
    summary: join(outDir, SWEEP_FILES.summary),
    report: join(outDir, SWEEP_FILES.report),
  };
  await writeFile(files.summary, JSON.stringify(summary, null, 2) + '\n');
  await writeSweepReport(summary, files.report);
  return { summary, files };
}
