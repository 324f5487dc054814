import type { TaskSuite, TestRunner } from '@llm-teams/agents';
import type { BucketPool, NatsConnection } from '@llm-teams/broker';
import type {
  ScheduleChoice,
  ScheduleDeviation,
  ScheduleRunEnd,
  ScheduleStrategy,
  StepBatcher,
  TraceEvent,
} from '@llm-teams/runtime';
import type { LoadedTeam } from '../teams/team-dir.js';
import type { AnyScheduleTeam } from './schedule-file.js';

export interface ScheduledRunOptions {
  nc: NatsConnection;
  /** The suite of a built-in team (`team` a `ScheduleTeam`). */
  suite?: TaskSuite;
  /** A team of one's own, loaded (`team` a `DefinedScheduleTeam`). */
  definedTeam?: LoadedTeam;
  team: AnyScheduleTeam;
  strategy: ScheduleStrategy;
  /** Team name (a subject token), unique per run on a shared server. */
  teamName: string;
  prefix?: string;
  /** `local`: decisions in-process. `nats`: the controller is served on the team's control
   *  subject and every decision is a request over NATS. Default `local`. */
  controller?: 'local' | 'nats';
  /** Checkers whose errors count as a failure. Default: every checker. */
  checkers?: readonly string[];
  /** Built-in teams. Default: `createReferenceTestRunner(suite.tasks)`. */
  testRunner?: TestRunner;
  /** Delete the team's streams and buckets afterwards (not awaited: the next run need not
   *  wait for it). Default true. */
  cleanup?: boolean;
  /** Gets the cleanup's promise, so a caller can await all of them before closing NATS. */
  onCleanup?: (done: Promise<void>) => void;
  /** A search's buckets (`createBucketPool`): the run takes an emptied set and gives it back.
   *  Default: buckets named after the team, created for this run. */
  buckets?: BucketPool;
  /** Shared by the runs on `nc` that run at once (`createStepBatcher`), so their steps leave
   *  together. Default: this run's own. */
  batcher?: StepBatcher;
}

export interface ScheduledRunOutcome {
  teamName: string;
  /** Some counted checker reported an error. */
  failed: boolean;
  /** Checkers that reported errors, sorted; `team-failed` when a team of one's own ended
   *  itself as failed (its own check: `{ ok: false }` to the director, a failed task). */
  failures: string[];
  /** One line per error finding: `checker: verdict`. */
  findings: string[];
  /** The team's end, or `stuck` when the schedule could not bring it to one. */
  status: string;
  reason?: string;
  end: ScheduleRunEnd;
  choices: ScheduleChoice[];
  deviations: ScheduleDeviation[];
  /** The decision during which the last event of a counted finding was recorded: later
   *  decisions cannot have caused the failure. */
  failureStep: number | undefined;
  events: TraceEvent[];
  /** The trace as compared between runs (see `normalizeTrace`). */
  trace: string[];
  traceDigest: string;
  wallMs: number;
  /** Where the wall time went: team setup (provisioning, spawning), the scheduled run, the
   *  team's shutdown, the checkers. */
  timing: { setupMs: number; scheduleMs: number; teardownMs: number; checkMs: number };
}
