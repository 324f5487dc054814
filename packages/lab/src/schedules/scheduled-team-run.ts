import { runTeam, type RunningTeam, type TaskSuite } from '@llm-teams/agents';
import { createTeamSubjects, type TeamBucket } from '@llm-teams/broker';
import {
  createScheduleController,
  createStepBatcher,
  createVirtualClock,
  natsScheduleDecider,
  serveScheduleController,
  type ScheduleRunEnd,
  type TraceEvent,
} from '@llm-teams/runtime';
import { analyzeTrace } from '../analysis/analyze-trace.js';
import { deleteTeamResources } from '../run/nats-session.js';
import type { LoadedTeam } from '../teams/team-dir.js';
import { createMemberClocks } from './member-clocks.js';
import { createScheduledRunDriver, scheduleRun } from './scheduled-run-driver.js';
import { createReferenceTestRunner } from './reference-test-runner.js';
import { BUG_NAMES, knownBug, type BugVariant } from './bug-zoo.js';
import {
  isDefinedScheduleTeam,
  type DefinedScheduleTeam,
  type ScheduleTeam,
} from './schedule-file.js';
import {
  definedTeamDeps,
  runScheduledDefinedTeam,
  type ScheduleGates,
} from './scheduled-defined-team.js';
import { normalizeTrace, traceDigest } from './schedule-trace.js';
import type { ScheduledRunOptions, ScheduledRunOutcome } from './scheduled-run-types.js';

/** Hosts are named this in every controlled run, so traces compare across processes. */
export const SCHEDULE_NODE = 'sched';

export type { ScheduledRunOptions, ScheduledRunOutcome } from './scheduled-run-types.js';

/** With `controller: 'nats'`, decisions travel over NATS: the controller served, a decider asking it. */
function overNats(
  options: ScheduledRunOptions,
  controller: ReturnType<typeof createScheduleController>,
) {
  if (options.controller !== 'nats') return { served: undefined, remote: undefined };
  const subjects = createTeamSubjects({
    team: options.teamName,
    ...(options.prefix !== undefined ? { prefix: options.prefix } : {}),
  });
  return {
    served: serveScheduleController(options.nc, subjects, controller),
    remote: natsScheduleDecider(options.nc, subjects),
  };
}

/**
 * Runs one team under one schedule: virtual time, every delivery and shared-state operation
 * a step the strategy picks, zero-latency models, in-process test verdicts. Then checks the
 * trace. The schedule ends when the team's director records `run.end`.
 */
export async function runScheduledTeam(options: ScheduledRunOptions): Promise<ScheduledRunOutcome> {
  const started = performance.now();
  const { nc, team, teamName } = options;
  const subject = scheduledSubject(options);
  const clock = createVirtualClock();
  const controller = createScheduleController({ strategy: options.strategy });
  const { served, remote } = overNats(options, controller);
  const events: TraceEvent[] = [];
  // Trace length at each decision: maps a finding's events back to the decision that made
  // them, so shrinking can ignore what came after.
  const traceAt: number[] = [];
  const batcher = options.batcher ?? createStepBatcher(nc);
  let running: RunningTeam | undefined;
  const memberClocks = createMemberClocks(clock, () => running);
  let recordedEnd = false;
  const driver = createScheduledRunDriver({
    team,
    clock,
    batcher,
    decide: (enabled) => {
      traceAt.push(events.length);
      return remote ? remote(enabled) : controller.decide(enabled);
    },
    running: () => running,
    memberClocks,
  });
  const schedule = scheduleRun(driver);
  // The run's team name is unique: its buckets are new (or emptied ones of a search's pool), and
  // it deletes those it created.
  const created: TeamBucket[] = [];
  const pooled = await options.buckets?.take();
  const gates: ScheduleGates = {
    nc,
    team: teamName,
    ...(options.prefix !== undefined ? { prefix: options.prefix } : {}),
    node: SCHEDULE_NODE,
    clock,
    deliveryGate: driver.deliveryGate,
    sharedStateGate: driver.sharedStateGate,
    trace: {
      write(e) {
        events.push(e);
        if (e.kind === 'mark' && e.name === 'run.end') {
          recordedEnd = true;
          driver.stop();
        }
      },
    },
    // Only now: while the team is being set up, hosts await NATS round trips of their own.
    onStarted: (t) => {
      running = t;
      schedule.start();
    },
    memberClock: memberClocks.clockOf,
    fresh: { onCreated: (bucket) => created.push(bucket), ...(pooled ? { buckets: pooled } : {}) },
  };
  const { teamRun, runner } = startTeam(subject, gates, options);
  // Only a team that has closed writes nothing more: its buckets can go to another run.
  let closed = false;
  teamRun.then(
    () => (closed = true),
    () => undefined,
  );
  let ended: RunEnding;
  try {
    ended = await runEnding(teamRun, schedule.ended, () => recordedEnd);
  } finally {
    driver.close();
    served?.close();
    pooled?.release({ reuse: closed });
    await closeRun(options, runner, created);
  }
  const checkFrom = performance.now();
  const { findings, lastRelevant } = judgeRun(events, subject, options.checkers, ended);
  // The normalised trace and its digest are read for a failure or a replay, not for each of a
  // search's passing schedules: made at the first read, of the events recorded by now (a stuck
  // team may still be winding down).
  const recorded = events.length;
  let trace: string[] | undefined;
  let digest: string | undefined;
  const traceOf = () => (trace ??= normalizeTrace(events.slice(0, recorded), teamName));
  return {
    teamName,
    failed: findings.length > 0,
    failures: [...new Set(findings.map((f) => f.checker))].sort(),
    findings: findings.map((f) => `${f.checker}: ${f.verdict}`),
    status: ended.status,
    ...(ended.reason !== undefined ? { reason: ended.reason } : {}),
    end: ended.end,
    choices: [...controller.choices],
    deviations: [...controller.deviations],
    failureStep: lastRelevant < 0 ? undefined : decisionOf(traceAt, lastRelevant),
    events,
    get trace() {
      return traceOf();
    },
    get traceDigest() {
      return (digest ??= traceDigest(traceOf()));
    },
    wallMs: performance.now() - started,
    timing: timingOf(started, schedule.times, checkFrom),
  };
}

/** After a run: its test runner closed (unless the caller's) and the buckets it created
 *  deleted. */
async function closeRun(
  options: ScheduledRunOptions,
  runner: { close(): Promise<void> } | undefined,
  created: readonly TeamBucket[],
) {
  if (!options.testRunner) await runner?.close();
  if ((options.cleanup ?? true) && created.length > 0) {
    // Its streams were never made (its messages are held core deliveries), nor the buckets
    // it never wrote (nor those of a pool).
    const done = deleteTeamResources(options.nc, options.teamName, options.prefix, {
      messageStreams: false,
      buckets: created,
    }).catch(() => undefined);
    options.onCleanup?.(done);
  }
}

/** Where a run's wall time went. */
function timingOf(
  started: number,
  { startedAt, endedAt }: { startedAt: number; endedAt: number },
  checkFrom: number,
): ScheduledRunOutcome['timing'] {
  return {
    setupMs: (startedAt || checkFrom) - started,
    scheduleMs: (endedAt || checkFrom) - (startedAt || checkFrom),
    teardownMs: checkFrom - (endedAt || checkFrom),
    checkMs: performance.now() - checkFrom,
  };
}

/** Starts the scheduled team: a suite's (with its test runner) or one of one's own. */
function startTeam(subject: ScheduledSubject, gates: ScheduleGates, options: ScheduledRunOptions) {
  const runner =
    subject.kind === 'suite'
      ? (options.testRunner ?? createReferenceTestRunner(subject.suite.tasks))
      : undefined;
  const teamRun =
    subject.kind === 'defined'
      ? runScheduledDefinedTeam(subject.loaded, subject.team, gates)
      : runTeam({
          ...gates,
          suite: subject.suite,
          arch: subject.team.arch,
          agents: subject.team.agents,
          model: subject.team.model,
          seed: subject.team.seed,
          timeScale: subject.team.timeScale,
          deadlineMs: subject.team.deadlineMs,
          testRunner: runner!,
          ...(subject.team.verify > 0 ? { verify: { reviewers: subject.team.verify } } : {}),
          ...teamVariant(subject.team),
          storage: 'memory',
        });
  return { teamRun, runner };
}

/** How a scheduled run ended: the team's status (`stuck` when it never said), and the
 *  schedule's end. */
interface RunEnding {
  status: string;
  reason: string | undefined;
  end: ScheduleRunEnd;
}

/**
 * The run's end is decided by the schedule alone, so that it is a function of its decisions:
 * once the schedule is over, the team's status if its director recorded `run.end` (within
 * the schedule, wound down or not), else `stuck`. Never by which of the team's promise and
 * the schedule's settles first: after `run.end` both take NATS round trips (the team's
 * shutdown, the driver's last flush), and a schedule wound down past the deadline raced the
 * team's `deadline` for the status. The team's promise counts first only if it fails (a team
 * that cannot start never starts its schedule).
 */
async function runEnding(
  teamRun: Promise<{ status: string; reason?: string | undefined }>,
  scheduled: Promise<ScheduleRunEnd>,
  recordedEnd: () => boolean,
): Promise<RunEnding> {
  const end = await Promise.race([scheduled, teamRun.then(() => scheduled)]);
  if (recordedEnd()) {
    const r = await teamRun;
    return { status: r.status, reason: r.reason, end };
  }
  teamRun.catch(() => undefined);
  return { status: 'stuck', reason: `schedule ended: ${end.reason}`, end };
}

/** The run's checker errors (those counted), and the last trace event any of them rests on. */
function judgeRun(
  events: TraceEvent[],
  subject: ScheduledSubject,
  checkers: readonly string[] | undefined,
  { status, reason }: RunEnding,
): { findings: { checker: string; verdict: string }[]; lastRelevant: number } {
  const deps =
    subject.kind === 'suite'
      ? Object.fromEntries(subject.suite.tasks.map((t) => [t.id, t.deps]))
      : definedTeamDeps(subject.loaded.definition);
  const analysis = analyzeTrace(events, { deps });
  const counted = checkers ? new Set(checkers) : undefined;
  const errors = analysis.findings.filter(
    (f) => f.severity === 'error' && (!counted || counted.has(f.checker)),
  );
  const findings = errors.map((f) => ({ checker: f.checker, verdict: f.verdict }));
  let lastRelevant = -1;
  for (const f of errors) {
    for (const ref of f.events)
      lastRelevant = Math.max(lastRelevant, analysis.index.find(ref) ?? -1);
  }
  // A team of one's own checks itself: ending as failed is what its author asserts against.
  if (subject.kind === 'defined' && status === 'failed') {
    findings.push({ checker: TEAM_FAILED, verdict: reason ?? 'the team ended as failed' });
    lastRelevant = Math.max(
      lastRelevant,
      events.findIndex((e) => e.kind === 'mark' && e.name === 'run.end'),
    );
  }
  return { findings, lastRelevant };
}

/** The failure of a team of one's own that ended itself as failed. */
export const TEAM_FAILED = 'team-failed';

type ScheduledSubject =
  | { kind: 'suite'; suite: TaskSuite; team: ScheduleTeam }
  | { kind: 'defined'; loaded: LoadedTeam; team: DefinedScheduleTeam };

/** The team a run schedules, with what it needs: a suite, or a loaded team directory. */
function scheduledSubject(options: ScheduledRunOptions): ScheduledSubject {
  const { team } = options;
  if (isDefinedScheduleTeam(team)) {
    if (!options.definedTeam) throw new Error(`team ${team.name}: definedTeam is not loaded`);
    return { kind: 'defined', loaded: options.definedTeam, team };
  }
  if (!options.suite) throw new Error(`suite ${team.suite}: suite is not loaded`);
  return { kind: 'suite', suite: options.suite, team };
}

/** The team's protocol settings and deliberately broken parts: the schedule's own (`unsafe`,
 *  `fencing`, `leaseSkewMs`, `modelTimeOrder`), then its bug's over them. */
function teamVariant(team: ScheduleTeam): BugVariant {
  const bug = team.bug === undefined ? undefined : knownBug(team.bug);
  if (team.bug !== undefined && !bug) {
    throw new Error(`unknown bug ${JSON.stringify(team.bug)}; known bugs: ${BUG_NAMES.join(', ')}`);
  }
  const v = bug?.variant ?? {};
  return {
    fencing: team.fencing,
    ...v,
    coordinator: {
      leaseSkewMs: team.leaseSkewMs,
      modelTimeOrder: team.modelTimeOrder,
      ...v.coordinator,
    },
    unsafeSharedState: {
      board: team.unsafe.board || v.unsafeSharedState?.board === true,
      files: team.unsafe.files || v.unsafeSharedState?.files === true,
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
