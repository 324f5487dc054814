import { createBucketPool, type BucketPool, type NatsConnection } from '@llm-teams/broker';
import type { TaskSuite } from '@llm-teams/agents';
import {
  createPctStrategy,
  createRandomWalkStrategy,
  createStepBatcher,
  type DropFaultOptions,
  type FaultAction,
  type PauseFaultOptions,
  type ScheduleStrategy,
} from '@llm-teams/runtime';
import type { LoadedTeam } from '../teams/team-dir.js';
import type { AnyScheduleTeam } from './schedule-file.js';
import { runScheduledTeam, type ScheduledRunOutcome } from './scheduled-team-run.js';
import { uniqueTeamName } from './schedule-trace.js';

export type ExploreStrategy = 'random' | 'pct';

/** How schedule i of a search is drawn: plain data, so a search thread draws the same. */
export interface SearchStrategySpec {
  kind: ExploreStrategy;
  /** Schedule i is searched with the strategy seeded `<seed>:<i>`. */
  seed: string;
  /** PCT: length of the default order the change points are drawn in. */
  pctSteps: number;
  depth?: number;
  timeWeight?: number;
  switchProbability: number;
  drop?: DropFaultOptions;
  redeliver?: DropFaultOptions;
  pause?: PauseFaultOptions;
  jump?: PauseFaultOptions;
  crash?: PauseFaultOptions;
}

export function strategyFor(spec: SearchStrategySpec, index: number): ScheduleStrategy {
  const seed = `${spec.seed}:${index}`;
  const faults = {
    ...(spec.drop ? { drop: spec.drop } : {}),
    ...(spec.redeliver ? { redeliver: spec.redeliver } : {}),
    ...(spec.pause ? { pause: spec.pause } : {}),
    ...(spec.jump ? { jump: spec.jump } : {}),
    ...(spec.crash ? { crash: spec.crash } : {}),
  };
  return spec.kind === 'pct'
    ? createPctStrategy({
        seed,
        maxSteps: spec.pctSteps,
        ...(spec.depth !== undefined ? { depth: spec.depth } : {}),
        ...faults,
      })
    : createRandomWalkStrategy({
        seed,
        switchProbability: spec.switchProbability,
        ...(spec.timeWeight !== undefined ? { timeWeight: spec.timeWeight } : {}),
        ...faults,
      });
}

/** What a search runs each schedule with, besides its strategy. */
export interface SearchTeam {
  /** A built-in team's suite, or a team of one's own (loaded), as `team` says. */
  suite?: TaskSuite;
  definedTeam?: LoadedTeam;
  team: AnyScheduleTeam;
  prefix?: string;
  controller?: 'local' | 'nats';
  checkers?: readonly string[];
}

/** Where a search takes its next schedule index from and tells of failures: a counter here,
 *  or one shared by every search thread. */
export interface IndexSource {
  /** The next index to run, or undefined when the search is over for this loop: all taken,
   *  stopped, or past the lowest failure found. */
  take(): number | undefined;
  failedAt(index: number): void;
}

export type FaultCounts = Partial<Record<FaultAction, number>>;

/** Adds the faults a run's choices made to `into`. */
export function countFaults(into: FaultCounts, faults: FaultCounts): void {
  for (const [k, n] of Object.entries(faults) as [FaultAction, number][]) {
    into[k] = (into[k] ?? 0) + n;
  }
}

/** The faults among a run's choices, by kind. */
export function faultsOf(outcome: Pick<ScheduledRunOutcome, 'choices'>): FaultCounts {
  const out: FaultCounts = {};
  for (const c of outcome.choices) if (c.action) out[c.action] = (out[c.action] ?? 0) + 1;
  return out;
}

export interface SearchTally {
  checked: number;
  inconclusive: number;
  steps: number;
  /** Faults the schedules chose, by kind. */
  faults: FaultCounts;
  /** The lowest failing index this search ran, and its run. */
  firstFail?: { index: number; outcome: ScheduledRunOutcome };
}

/**
 * Runs schedules from `source` on one connection, `concurrency` at once (their steps share
 * the connection's turns and flushes), until the source is exhausted. Every schedule has a
 * fresh team (its own name, hosts and actors, and buckets emptied for it, which number their
 * revisions as new ones would), so which loop or thread runs an index does not change its run.
 */
export async function searchSchedules(options: {
  nc: NatsConnection;
  spec: SearchStrategySpec;
  setup: SearchTeam;
  source: IndexSource;
  concurrency: number;
  onCleanup: (done: Promise<void>) => void;
  onChecked?: (index: number, outcome: ScheduledRunOutcome) => void;
}): Promise<SearchTally> {
  const { nc, setup } = options;
  const batcher = createStepBatcher(nc);
  const buckets = await searchBuckets(nc, setup.prefix);
  const tally: SearchTally = { checked: 0, inconclusive: 0, steps: 0, faults: {} };
  const loop = async () => {
    for (let i = options.source.take(); i !== undefined; i = options.source.take()) {
      const outcome = await runScheduledTeam({
        batcher,
        buckets,
        nc,
        ...(setup.suite ? { suite: setup.suite } : {}),
        ...(setup.definedTeam ? { definedTeam: setup.definedTeam } : {}),
        team: setup.team,
        strategy: strategyFor(options.spec, i),
        teamName: uniqueTeamName(),
        ...(setup.prefix !== undefined ? { prefix: setup.prefix } : {}),
        ...(setup.controller ? { controller: setup.controller } : {}),
        ...(setup.checkers ? { checkers: setup.checkers } : {}),
        onCleanup: options.onCleanup,
      });
      tally.checked++;
      tally.steps += outcome.end.steps;
      countFaults(tally.faults, faultsOf(outcome));
      if (outcome.end.reason !== 'stopped') tally.inconclusive++;
      if (outcome.failed) {
        options.source.failedAt(i);
        if (!tally.firstFail || i < tally.firstFail.index) tally.firstFail = { index: i, outcome };
      }
      options.onChecked?.(i, outcome);
    }
  };
  try {
    await Promise.all(Array.from({ length: Math.max(1, options.concurrency) }, loop));
  } finally {
    options.onCleanup(buckets.close());
  }
  return tally;
}

/** The buckets a search's runs pass on to each other (`createBucketPool`), on `nc`. */
export function searchBuckets(nc: NatsConnection, prefix: string | undefined): Promise<BucketPool> {
  return createBucketPool(nc, {
    name: uniqueTeamName(),
    ...(prefix !== undefined ? { prefix } : {}),
    storage: 'memory',
  });
}

/** The in-process index source: indices 0..total-1, none past the lowest failure. */
export function localIndexSource(total: number, signal?: AbortSignal): IndexSource {
  let next = 0;
  let lowestFail = Infinity;
  return {
    take() {
      const i = next++;
      return i >= total || signal?.aborted || i > lowestFail ? undefined : i;
    },
    failedAt(index) {
      lowestFail = Math.min(lowestFail, index);
    },
  };
}
