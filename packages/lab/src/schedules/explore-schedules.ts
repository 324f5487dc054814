import type { TaskSuite } from '@llm-teams/agents';
import type { NatsConnection } from '@llm-teams/broker';
import {
  createFifoStrategy,
  createGuidedStrategy,
  createPctStrategy,
  createRandomWalkStrategy,
  type DropFaultOptions,
  type ScheduleStrategy,
} from '@llm-teams/runtime';
import { replaySchedule, type ReplayResult } from './replay-schedule.js';
import {
  encodeChoices,
  encodeDeviations,
  type ScheduleFile,
  type ScheduleTeam,
} from './schedule-file.js';
import { runScheduledTeam, type ScheduledRunOutcome } from './scheduled-team-run.js';
import { uniqueTeamName } from './schedule-trace.js';
import { shrinkSchedule } from './shrink-schedule.js';

export type ExploreStrategy = 'random' | 'pct';

export interface ExploreOptions {
  nc: NatsConnection;
  suite: TaskSuite;
  team: ScheduleTeam;
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
  /** Schedules run at once (their teams interleave on the one connection). Default 8. The
   *  result does not depend on it. */
  concurrency?: number;
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
  failure?: ExploreFailure;
}

/**
 * Runs up to `schedules` seeded schedules of one team and checks each trace; stops at the
 * first failure, shrinks it to the fewest deviations from the default order that still fail,
 * and replays the result `replays` times to confirm it reproduces the same trace.
 */
export async function exploreSchedules(options: ExploreOptions): Promise<ExploreResult> {
  const started = performance.now();
  const cleanups: Promise<void>[] = [];
  const run = (strategy: ScheduleStrategy, team: ScheduleTeam = options.team) =>
    runScheduledTeam({
      nc: options.nc,
      suite: options.suite,
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
  const strategyFor = (seed: string): ScheduleStrategy =>
    kind === 'pct'
      ? createPctStrategy({
          seed,
          maxSteps: pctSteps,
          ...(options.depth !== undefined ? { depth: options.depth } : {}),
          ...(options.drop ? { drop: options.drop } : {}),
        })
      : createRandomWalkStrategy({
          seed,
          switchProbability: options.switchProbability ?? 0.1,
          ...(options.timeWeight !== undefined ? { timeWeight: options.timeWeight } : {}),
          ...(options.drop ? { drop: options.drop } : {}),
        });

  const searchStarted = performance.now();
  let next = 0;
  let checked = 0;
  let inconclusive = 0;
  let steps = 0;
  let firstFail: { index: number; outcome: ScheduledRunOutcome } | undefined;
  const worker = async () => {
    for (;;) {
      const i = next++;
      if (i >= options.schedules || options.signal?.aborted) return;
      if (firstFail && i > firstFail.index) return;
      const outcome = await run(strategyFor(`${options.seed}:${i}`));
      checked++;
      steps += outcome.end.steps;
      if (outcome.end.reason !== 'stopped') inconclusive++;
      if (outcome.failed && (!firstFail || i < firstFail.index)) firstFail = { index: i, outcome };
      options.onProgress?.({ phase: 'explore', done: checked, total: options.schedules });
    }
  };
  await Promise.all(Array.from({ length: Math.max(1, options.concurrency ?? 8) }, worker));
  const searchMs = performance.now() - searchStarted;

  const result: ExploreResult = {
    schedules: checked,
    inconclusive,
    wallMs: 0,
    perSecond: checked / (searchMs / 1000),
    meanSteps: checked > 0 ? steps / checked : 0,
  };
  if (firstFail) {
    const original = firstFail.outcome;
    // Only runs that ended by themselves count: a wound-down run would replay differently
    // under the file's step budget.
    const keeps = (o: ScheduledRunOutcome) =>
      o.end.reason === 'stopped' &&
      o.failed &&
      o.failures.some((f) => original.failures.includes(f));
    // Constraints can make a candidate livelock; it should not cost a full step budget.
    const candidateTeam = {
      ...options.team,
      maxSteps: Math.min(options.team.maxSteps, 4 * original.end.steps + 1000),
    };
    let shrunk = { outcome: original, runs: 0, minimal: false };
    if (options.shrink ?? true) {
      shrunk = await shrinkSchedule(original, {
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
    const schedule = scheduleFileOf(options.team, shrunk.outcome, options.controller, {
      strategy: kind,
      seed: `${options.seed}:${firstFail.index}`,
      index: firstFail.index,
      steps: original.end.steps,
      deviations: original.deviations.length,
    });
    const times = options.replays ?? 3;
    let replayed = 0;
    const replays: ReplayResult[] = await Promise.all(
      Array.from({ length: times }, async () => {
        const r = await replaySchedule({
          nc: options.nc,
          file: schedule,
          suite: options.suite,
          teamName: uniqueTeamName(),
          ...(options.prefix !== undefined ? { prefix: options.prefix } : {}),
          ...(options.checkers ? { checkers: options.checkers } : {}),
          onCleanup: (p) => cleanups.push(p),
        });
        options.onProgress?.({ phase: 'replay', done: ++replayed, total: times });
        return r;
      }),
    );
    result.failure = {
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
  await Promise.all(cleanups);
  result.wallMs = performance.now() - started;
  return result;
}

/** The schedule.json of a run. */
export function scheduleFileOf(
  team: ScheduleTeam,
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
