import type { TaskSuite } from '@llm-teams/agents';
import type { BucketPool, NatsAuthFlags, NatsConnection } from '@llm-teams/broker';
import {
  createFifoStrategy,
  createStepBatcher,
  createGuidedStrategy,
  type DropFaultOptions,
  type PauseFaultOptions,
  type ScheduleStrategy,
} from '@llm-teams/runtime';
import { replaySchedule, type ReplayResult } from './replay-schedule.js';
import type { LoadedTeam } from '../teams/team-dir.js';
import {
  encodeChoices,
  encodeDeviations,
  type AnyScheduleTeam,
  type ScheduleFile,
} from './schedule-file.js';
import { runScheduledTeam, type ScheduledRunOutcome } from './scheduled-team-run.js';
import { uniqueTeamName } from './schedule-trace.js';
import { shrinkSchedule, type ShrinkResult } from './shrink-schedule.js';
import {
  localIndexSource,
  searchBuckets,
  searchSchedules,
  type ExploreStrategy,
  type FaultCounts,
  type SearchStrategySpec,
  type SearchTally,
  type SearchTeam,
} from './schedule-search.js';
import { searchInThreads } from './search-threads.js';

export type { ExploreStrategy } from './schedule-search.js';

export interface ExploreOptions {
  nc: NatsConnection;
  /** A built-in team's suite, or a team of one's own (loaded), as `team` says. */
  suite?: TaskSuite;
  definedTeam?: LoadedTeam;
  team: AnyScheduleTeam;
  /** Default `random`. */
  strategy?: ExploreStrategy;
  /** Schedule i is searched with the strategy seeded `<seed>:<i>`. */
  seed: string;
  /** Schedules to try at most. */
  schedules: number;
  /** PCT bug depth. Default 3. */
  depth?: number;
  /** Random walk: weight of the time step. Default 0.2. */
  timeWeight?: number;
  /** Random walk: chance that a decision departs from the default order at all. Default 0.1:
   *  long stretches without preemption reach deeper races, and few deviations shrink fast. */
  switchProbability?: number;
  /** Message drops the strategies may inject. Default none. */
  drop?: DropFaultOptions;
  /** Redeliveries (a message delivered again later, as after a lost ack). Default none. */
  redeliver?: DropFaultOptions;
  /** Pauses of an actor (a long GC): its steps wait `team.pauseMs` of virtual time. */
  pause?: PauseFaultOptions;
  /** Clock jumps: an actor's clock steps `team.jumpMs` ahead of the others'. */
  jump?: PauseFaultOptions;
  /** Crashes: an actor is killed and restored from its checkpoint at once. */
  crash?: PauseFaultOptions;
  /** Schedules run at once on a connection (their teams interleave on it). Default 8. The
   *  result does not depend on it. */
  concurrency?: number;
  /** Search on this many threads: this one on `nc`, the others worker threads with their own
   *  connections to `url`, each running `concurrency` schedules at once, so a search uses
   *  more than one core. Shrinking and replays stay on `nc`. Default: one (this thread). The
   *  result does not depend on it. */
  threads?: { count: number; url: string; env?: NodeJS.ProcessEnv; authFlags?: NatsAuthFlags };
  /** Where decisions are made. Default `local`. */
  controller?: 'local' | 'nats';
  /** Checkers whose errors count. Default all. */
  checkers?: readonly string[];
  /** Shrink the first failure. Default true. */
  shrink?: boolean;
  /** Team runs the shrinker may use. Default 200. */
  maxShrinkRuns?: number;
  /** Replays of the saved schedule that must reproduce it. Default 3. */
  replays?: number;
  prefix?: string;
  onProgress?(progress: ExploreProgress): void;
  /** Stops starting new schedules (those running finish). */
  signal?: AbortSignal;
}

export interface ExploreProgress {
  phase: 'explore' | 'shrink' | 'replay';
  /** Schedules checked (explore) or team runs used (shrink, replay). */
  done: number;
  total: number;
  /** Deviations of the smallest failing schedule so far (shrink). */
  deviations?: number;
}

export interface ExploreFailure {
  /** Index of the first failing schedule (the lowest, whatever the concurrency). */
  index: number;
  strategySeed: string;
  original: Pick<ScheduledRunOutcome, 'failures' | 'findings'> & {
    steps: number;
    deviations: number;
  };
  /** The minimal failing schedule, as saved to schedule.json. */
  schedule: ScheduleFile;
  /** Its run (trace included). */
  outcome: ScheduledRunOutcome;
  shrinkRuns: number;
  minimal: boolean;
  replays: ReplayResult[];
}

export interface ExploreResult {
  /** Schedules checked. */
  schedules: number;
  /** Schedules that did not end with the team's own end (stuck, or wound down). */
  inconclusive: number;
  wallMs: number;
  /** Schedules checked per second of the search (shrinking and replays excluded). */
  perSecond: number;
  /** Mean decisions per schedule. */
  meanSteps: number;
  /** Faults the schedules chose, by kind (`drop`, `crash`, ...), over every schedule checked. */
  faults: FaultCounts;
  failure?: ExploreFailure;
}

/**
 * Schedules a search runs at once on each thread, by default. Their steps leave in one write
 * and their flushes share one PING (`createStepBatcher`): on the tiny suite a thread checks
 * 3-8% more schedules a second at 32 than at 8 (two interleaved pairs of runs on the 2-core
 * machine, 2026-12-07; docs/schedules.md, "Throughput"). Which
 * schedules a search checks and the failure it reports do not depend on it.
 */
export const SEARCH_CONCURRENCY = 32;

/**
 * Runs up to `schedules` seeded schedules of one team and checks each trace; stops at the
 * first failure, shrinks it to the fewest deviations from the default order that still fail,
 * and replays the result `replays` times to confirm it reproduces the same trace.
 */
export async function exploreSchedules(options: ExploreOptions): Promise<ExploreResult> {
  const started = performance.now();
  const cleanups: Promise<void>[] = [];
  // Every run of this search shares the connection's turns and flushes, and the runs made
  // here (a PCT baseline, shrinking) pass their buckets on; a replay takes new ones.
  const batcher = createStepBatcher(options.nc);
  let buckets: Promise<BucketPool> | undefined;
  const run: TeamRun = async (strategy, team = options.team) =>
    runScheduledTeam({
      batcher,
      buckets: await (buckets ??= searchBuckets(options.nc, options.prefix)),
      nc: options.nc,
      ...subjectOf(options),
      team,
      strategy,
      teamName: uniqueTeamName(),
      ...(options.prefix !== undefined ? { prefix: options.prefix } : {}),
      ...(options.controller ? { controller: options.controller } : {}),
      ...(options.checkers ? { checkers: options.checkers } : {}),
      onCleanup: (p) => cleanups.push(p),
    });

  const kind = options.strategy ?? 'random';
  let pctSteps = 2000;
  if (kind === 'pct') {
    // PCT draws its change points from [0, k): k is the default order's length.
    const baseline = await run(createFifoStrategy());
    pctSteps = Math.max(10, Math.ceil(baseline.end.steps * 1.2));
  }
  const spec = strategySpecOf(options, kind, pctSteps);

  const searchStarted = performance.now();
  const tally = await search(options, spec, cleanups);
  const searchMs = performance.now() - searchStarted;
  const { checked, firstFail } = tally;

  const result: ExploreResult = {
    schedules: checked,
    inconclusive: tally.inconclusive,
    wallMs: 0,
    perSecond: checked / (searchMs / 1000),
    meanSteps: checked > 0 ? tally.steps / checked : 0,
    faults: tally.faults,
  };
  try {
    if (firstFail) result.failure = await confirmFailure(options, kind, firstFail, run, cleanups);
  } finally {
    if (buckets) cleanups.push(buckets.then((b) => b.close()));
  }
  await Promise.all(cleanups);
  result.wallMs = performance.now() - started;
  return result;
}

/** One run of the explored team under `strategy` (a team's settings other than the options'). */
type TeamRun = (strategy: ScheduleStrategy, team?: AnyScheduleTeam) => Promise<ScheduledRunOutcome>;

function subjectOf(options: ExploreOptions): Pick<ExploreOptions, 'suite' | 'definedTeam'> {
  return {
    ...(options.suite ? { suite: options.suite } : {}),
    ...(options.definedTeam ? { definedTeam: options.definedTeam } : {}),
  };
}

function strategySpecOf(
  options: ExploreOptions,
  kind: ExploreStrategy,
  pctSteps: number,
): SearchStrategySpec {
  return {
    kind,
    seed: options.seed,
    pctSteps,
    switchProbability: options.switchProbability ?? 0.1,
    ...(options.depth !== undefined ? { depth: options.depth } : {}),
    ...(options.timeWeight !== undefined ? { timeWeight: options.timeWeight } : {}),
    ...(options.drop ? { drop: options.drop } : {}),
    ...(options.redeliver ? { redeliver: options.redeliver } : {}),
    ...(options.pause ? { pause: options.pause } : {}),
    ...(options.jump ? { jump: options.jump } : {}),
    ...(options.crash ? { crash: options.crash } : {}),
  };
}

/** The first failure shrunk (unless `shrink` is off), saved as a schedule and replayed. */
async function confirmFailure(
  options: ExploreOptions,
  kind: ExploreStrategy,
  firstFail: NonNullable<SearchTally['firstFail']>,
  run: TeamRun,
  cleanups: Promise<void>[],
): Promise<ExploreFailure> {
  const original = firstFail.outcome;
  const shrunk =
    (options.shrink ?? true)
      ? await shrinkFailure(options, original, run)
      : { outcome: original, runs: 0, minimal: false };
  const schedule = scheduleFileOf(options.team, shrunk.outcome, options.controller, {
    strategy: kind,
    seed: `${options.seed}:${firstFail.index}`,
    index: firstFail.index,
    steps: original.end.steps,
    deviations: original.deviations.length,
  });
  const replays = await replayFailure(options, schedule, cleanups);
  return {
    index: firstFail.index,
    strategySeed: `${options.seed}:${firstFail.index}`,
    original: {
      failures: original.failures,
      findings: original.findings,
      steps: original.end.steps,
      deviations: original.deviations.length,
    },
    schedule,
    outcome: shrunk.outcome,
    shrinkRuns: shrunk.runs,
    minimal: shrunk.minimal,
    replays,
  };
}

function shrinkFailure(
  options: ExploreOptions,
  original: ScheduledRunOutcome,
  run: TeamRun,
): Promise<ShrinkResult> {
  // Only runs that ended by themselves count: a wound-down run would replay differently
  // under the file's step budget.
  const keeps = (o: ScheduledRunOutcome) =>
    o.end.reason === 'stopped' && o.failed && o.failures.some((f) => original.failures.includes(f));
  // Constraints can make a candidate livelock; it should not cost a full step budget.
  const candidateTeam = {
    ...options.team,
    maxSteps: Math.min(options.team.maxSteps, 4 * original.end.steps + 1000),
  };
  return shrinkSchedule(original, {
    run: (devs) => run(createGuidedStrategy(devs), candidateTeam),
    keeps,
    // Fixed, not `concurrency`: which candidates share a batch shapes the result, and a
    // search must shrink the same way on any machine.
    concurrency: 4,
    ...(options.maxShrinkRuns !== undefined ? { maxRuns: options.maxShrinkRuns } : {}),
    onStep: (s) =>
      options.onProgress?.({
        phase: 'shrink',
        done: s.runs,
        total: options.maxShrinkRuns ?? 200,
        deviations: s.best,
      }),
  });
}

/** Replays the saved schedule `replays` times (at once) to see that it reproduces. */
function replayFailure(
  options: ExploreOptions,
  schedule: ScheduleFile,
  cleanups: Promise<void>[],
): Promise<ReplayResult[]> {
  const times = options.replays ?? 3;
  let replayed = 0;
  return Promise.all(
    Array.from({ length: times }, async () => {
      const r = await replaySchedule({
        nc: options.nc,
        file: schedule,
        ...subjectOf(options),
        teamName: uniqueTeamName(),
        ...(options.prefix !== undefined ? { prefix: options.prefix } : {}),
        ...(options.checkers ? { checkers: options.checkers } : {}),
        onCleanup: (p) => cleanups.push(p),
      });
      options.onProgress?.({ phase: 'replay', done: ++replayed, total: times });
      return r;
    }),
  );
}

/** The search itself: on `nc`, or on threads with connections of their own. */
function search(
  options: ExploreOptions,
  spec: SearchStrategySpec,
  cleanups: Promise<void>[],
): Promise<SearchTally> {
  const setup: SearchTeam = {
    ...(options.suite ? { suite: options.suite } : {}),
    ...(options.definedTeam ? { definedTeam: options.definedTeam } : {}),
    team: options.team,
    ...(options.prefix !== undefined ? { prefix: options.prefix } : {}),
    ...(options.controller ? { controller: options.controller } : {}),
    ...(options.checkers ? { checkers: options.checkers } : {}),
  };
  const concurrency = Math.max(1, options.concurrency ?? SEARCH_CONCURRENCY);
  let checked = 0;
  const progress = () =>
    options.onProgress?.({ phase: 'explore', done: ++checked, total: options.schedules });
  if (options.threads && options.threads.count > 1) {
    return searchInThreads({
      threads: options.threads.count,
      nc: options.nc,
      onCleanup: (p) => cleanups.push(p),
      url: options.threads.url,
      ...(options.threads.env ? { env: options.threads.env } : {}),
      ...(options.threads.authFlags ? { authFlags: options.threads.authFlags } : {}),
      setup,
      spec,
      total: options.schedules,
      concurrency,
      ...(options.signal ? { signal: options.signal } : {}),
      onChecked: progress,
    });
  }
  return searchSchedules({
    nc: options.nc,
    spec,
    setup,
    source: localIndexSource(options.schedules, options.signal),
    concurrency,
    onCleanup: (p) => cleanups.push(p),
    onChecked: progress,
  });
}

/** The schedule.json of a run. */
export function scheduleFileOf(
  team: AnyScheduleTeam,
  outcome: ScheduledRunOutcome,
  controller: 'local' | 'nats' | undefined,
  found?: ScheduleFile['found'],
): ScheduleFile {
  return {
    v: 1,
    team,
    controller: controller ?? 'local',
    ...(found ? { found } : {}),
    choices: encodeChoices(outcome.choices),
    deviations: encodeDeviations(outcome.deviations),
    outcome: {
      failed: outcome.failed,
      failures: outcome.failures,
      status: outcome.status,
      steps: outcome.end.steps,
      traceDigest: outcome.traceDigest,
      findings: outcome.findings,
    },
  };
}
