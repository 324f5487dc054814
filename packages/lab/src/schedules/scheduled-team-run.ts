import { runTeam, type TaskSuite, type TestRunner } from '@llm-teams/agents';
import { createTeamSubjects, type NatsConnection } from '@llm-teams/broker';
import {
  createScheduleController,
  createScheduleDriver,
  createVirtualClock,
  natsScheduleDecider,
  serveScheduleController,
  type ScheduleChoice,
  type ScheduleDeviation,
  type ScheduleRunEnd,
  type ScheduleStrategy,
  type TraceEvent,
} from '@llm-teams/runtime';
import { analyzeTrace } from '../analysis/index.js';
import { deleteTeamResources } from '../run/index.js';
import { createReferenceTestRunner } from './reference-test-runner.js';
import type { ScheduleTeam } from './schedule-file.js';
import { normalizeTrace, traceDigest } from './schedule-trace.js';

/** Hosts are named this in every controlled run, so traces compare across processes. */
export const SCHEDULE_NODE = 'sched';
/** The team runner's actor that ends a run; a wound-down schedule lets only it go on. */
const DIRECTOR = 'director';

export interface ScheduledRunOptions {
  nc: NatsConnection;
  suite: TaskSuite;
  team: ScheduleTeam;
  strategy: ScheduleStrategy;
  /** Team name (a subject token), unique per run on a shared server. */
  teamName: string;
  prefix?: string;
  /** `local`: decisions in-process. `nats`: the controller is served on the team's control
   *  subject and every decision is a request over NATS. Default `local`. */
  controller?: 'local' | 'nats';
  /** Checkers whose errors count as a failure. Default: every checker. */
  checkers?: readonly string[];
  /** Default: `createReferenceTestRunner(suite.tasks)`. */
  testRunner?: TestRunner;
  /** Delete the team's streams and buckets afterwards (not awaited: the next run need not
   *  wait for it). Default true. */
  cleanup?: boolean;
  /** Gets the cleanup's promise, so a caller can await all of them before closing NATS. */
  onCleanup?: (done: Promise<void>) => void;
}

export interface ScheduledRunOutcome {
  teamName: string;
  /** Some counted checker reported an error. */
  failed: boolean;
  /** Checkers that reported errors, sorted. */
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

/**
 * Runs one team under one schedule: virtual time, every delivery and shared-state operation
 * a step the strategy picks, zero-latency models, in-process test verdicts. Then checks the
 * trace. The schedule ends when the team's director records `run.end`.
 */
export async function runScheduledTeam(options: ScheduledRunOptions): Promise<ScheduledRunOutcome> {
  const started = performance.now();
  const { nc, team, teamName } = options;
  if ((team.arch as string) === 'centralized') {
    throw new Error('controlled schedules support decentralized and single teams only');
  }
  const clock = createVirtualClock();
  const controller = createScheduleController({ strategy: options.strategy });
  const subjects = createTeamSubjects({
    team: teamName,
    ...(options.prefix !== undefined ? { prefix: options.prefix } : {}),
  });
  const served =
    options.controller === 'nats' ? serveScheduleController(nc, subjects, controller) : undefined;
  const remote = options.controller === 'nats' ? natsScheduleDecider(nc, subjects) : undefined;
  const events: TraceEvent[] = [];
  // Trace length at each decision: maps a finding's events back to the decision that made
  // them, so shrinking can ignore what came after.
  const traceAt: number[] = [];
  const driver = createScheduleDriver({
    clock,
    decide: (enabled) => {
      traceAt.push(events.length);
      return remote ? remote(enabled) : controller.decide(enabled);
    },
    flush: () => nc.flush(),
    maxSteps: team.maxSteps,
    onWindDown: (_reason, d) => {
      // Past the deadline, the director's next look at the board ends the run.
      clock.jumpTo(clock.originMs + team.deadlineMs + 1);
      d.restrict(new Set([DIRECTOR]));
    },
  });
  let startSchedule!: () => void;
  let startedAt = 0;
  let endedAt = 0;
  const scheduled = new Promise<ScheduleRunEnd>((resolve, reject) => {
    startSchedule = () => {
      startedAt = performance.now();
      void driver.run().then((e) => {
        endedAt = performance.now();
        resolve(e);
      }, reject);
    };
  });
  const runner = options.testRunner ?? createReferenceTestRunner(options.suite.tasks);
  const teamRun = runTeam({
    nc,
    suite: options.suite,
    arch: team.arch,
    agents: team.agents,
    model: team.model,
    seed: team.seed,
    team: teamName,
    ...(options.prefix !== undefined ? { prefix: options.prefix } : {}),
    node: SCHEDULE_NODE,
    timeScale: 0,
    deadlineMs: team.deadlineMs,
    clock,
    testRunner: runner,
    deliveryGate: driver.deliveryGate,
    sharedStateGate: driver.sharedStateGate,
    unsafeSharedState: team.unsafe,
    storage: 'memory',
    trace: {
      write(e) {
        events.push(e);
        if (e.kind === 'mark' && e.name === 'run.end') driver.stop();
      },
    },
    // Only now: while the team is being set up, hosts await NATS round trips of their own.
    onStarted: () => {
      startSchedule();
    },
  });
  let status = 'stuck';
  let reason: string | undefined;
  let end: ScheduleRunEnd;
  try {
    // A schedule that cannot end the run (stuck, or wound down without success) must not
    // hang: whichever settles first decides.
    const first = await Promise.race([
      teamRun.then((r) => ({ team: r })),
      scheduled.then((e) => ({ end: e })),
    ]);
    if ('team' in first) {
      status = first.team.status;
      reason = first.team.reason;
      end = await scheduled;
    } else {
      end = first.end;
      if (end.reason === 'stopped') {
        const r = await teamRun;
        status = r.status;
        reason = r.reason;
      } else {
        reason = `schedule ended: ${end.reason}`;
        teamRun.catch(() => undefined);
      }
    }
  } finally {
    driver.close();
    served?.close();
    if (!options.testRunner) await runner.close();
    if (options.cleanup ?? true) {
      const done = deleteTeamResources(nc, teamName, options.prefix).catch(() => undefined);
      options.onCleanup?.(done);
    }
  }
  const checkFrom = performance.now();
  const deps = Object.fromEntries(options.suite.tasks.map((t) => [t.id, t.deps]));
  const analysis = analyzeTrace(events, { deps });
  const counted = options.checkers ? new Set(options.checkers) : undefined;
  const errors = analysis.findings.filter(
    (f) => f.severity === 'error' && (!counted || counted.has(f.checker)),
  );
  const trace = normalizeTrace(events, teamName);
  let lastRelevant = -1;
  for (const f of errors) {
    for (const ref of f.events)
      lastRelevant = Math.max(lastRelevant, analysis.index.find(ref) ?? -1);
  }
  return {
    teamName,
    failed: errors.length > 0,
    failures: [...new Set(errors.map((f) => f.checker))].sort(),
    findings: errors.map((f) => `${f.checker}: ${f.verdict}`),
    status,
    ...(reason !== undefined ? { reason } : {}),
    end,
    choices: [...controller.choices],
    deviations: [...controller.deviations],
    failureStep: lastRelevant < 0 ? undefined : decisionOf(traceAt, lastRelevant),
    events,
    trace,
    traceDigest: traceDigest(trace),
    wallMs: performance.now() - started,
    timing: {
      setupMs: (startedAt || checkFrom) - started,
      scheduleMs: (endedAt || checkFrom) - (startedAt || checkFrom),
      teardownMs: checkFrom - (endedAt || checkFrom),
      checkMs: performance.now() - checkFrom,
    },
  };
}

/** The decision whose step recorded trace event `at` (the last decision made before it). */
function decisionOf(traceAt: readonly number[], at: number): number {
  let lo = 0;
  let hi = traceAt.length - 1;
  while (lo < hi) {
    const mid = (lo + hi + 1) >> 1;
    if (traceAt[mid]! <= at) lo = mid;
    else hi = mid - 1;
  }
  return lo;
}
