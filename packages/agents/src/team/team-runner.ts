/**
 * Runs one team on one suite (runTeam) and the run's configuration in KV.
 */
import { randomBytes } from 'node:crypto';
import { setup } from 'xstate';
import type { KV } from '@llm-teams/broker';
import {
  compileRetryPolicy,
  createRandom,
  delay,
  systemClock,
  withRetry,
  type ActorHandle,
  type ActorHost,
  type Clock,
  type HostStats,
} from '@llm-teams/runtime';
import { AgentsError } from '../agents-error.js';
import type { BoardEntry, TaskBoard } from '../team-state/task-board.js';
import { spawnMember, type TeamRunConfig } from './team-members.js';
import { openTeam, type OpenTeam } from './team-open.js';
import { claimMembers, type MemberClaim } from './member-claims.js';
import {
  announceRunEnd,
  runningTeam,
  watchBudget,
  type RunStop,
  type TeamRunStatus,
} from './run-director.js';
import {
  teamMembersOf,
  teamRunConfig,
  type TeamRunOptions,
  type TeamRunResult,
} from './team-run-options.js';
import { markRunStarted, RUN_CONFIG_KEY, waitForMembers } from './team-join.js';

/** Writes the run's shared configuration where joining nodes read it. */
async function publishRunConfig(kv: KV, config: TeamRunConfig): Promise<void> {
  await kv.put(RUN_CONFIG_KEY, new TextEncoder().encode(JSON.stringify(config)));
}

/** Reads the run's configuration, waiting up to `timeoutMs` for the run to publish it. */
export async function readRunConfig(
  kv: KV,
  timeoutMs: number,
  clock: Clock = systemClock,
): Promise<TeamRunConfig> {
  const notYet = () =>
    new AgentsError(
      'INVALID_TEAM',
      `no run has published its configuration in this team within ${timeoutMs} ms`,
    );
  return withRetry(
    async () => {
      // A request that times out (a busy or failing-over cluster) is just another look.
      const e = await kv.get(RUN_CONFIG_KEY).catch(() => null);
      if (!e || e.operation !== 'PUT') throw notYet();
      return JSON.parse(new TextDecoder().decode(e.value)) as TeamRunConfig;
    },
    {
      // A look every 100 ms until the join's time is up.
      policy: compileRetryPolicy(
        {
          maxAttempts: Infinity,
          initialDelayMs: 100,
          maxDelayMs: 100,
          jitter: 0,
          budgetMs: timeoutMs,
        },
        {},
        'join',
      ),
      clock,
      random: createRandom('run-config'),
    },
  );
}

/** The board at the end of a run, retried through a broker failover (20 looks, 250 ms apart). */
function readFinalBoard(board: TaskBoard, clock: Clock) {
  return withRetry(async () => [...(await board.all()).values()].map((v) => v.entry), {
    policy: FINAL_BOARD_RETRY,
    clock,
    random: createRandom('final-board'),
  });
}

const FINAL_BOARD_RETRY = compileRetryPolicy(
  { maxAttempts: 20, initialDelayMs: 250, maxDelayMs: 250, jitter: 0 },
  {},
  'finalBoard',
);

/** Claims the members this process hosts (member-claims.ts), unless the options say not to
 *  (by default, not under schedule control); closes the team if one is refused. */
async function claimLocalMembers(
  options: TeamRunOptions,
  ctx: OpenTeam,
  local: readonly string[],
  clock: Clock,
): Promise<MemberClaim[]> {
  const claiming =
    options.claims ?? (options.sharedStateGate === undefined && options.deliveryGate === undefined);
  if (!claiming) return [];
  try {
    return await claimMembers({
      kv: ctx.boardKv,
      members: local,
      node: ctx.host.node,
      host: randomBytes(6).toString('hex'),
      clock,
      onLost: (id) => void ctx.host.actor(id)?.stop(),
    });
  } catch (err) {
    await ctx.close();
    throw err;
  }
}

/**
 * Spawns the director, which hears the coordinators' `run.done`: with verification on, the
 * end of a run is what a coordinator decided, whichever process it runs in.
 */
async function spawnRunDirector(host: ActorHost, coordinators: readonly string[]) {
  let decided: { status: string; by: string } | undefined;
  const director = await host.spawn(
    'director',
    setup({}).createMachine({
      on: {
        'run.done': {
          actions: ({ event }) => {
            const e = event as unknown as {
              body?: { status?: unknown };
              envelope?: { from?: string };
            };
            const from = e.envelope?.from ?? '';
            if (coordinators.includes(from) && typeof e.body?.status === 'string')
              decided ??= { status: e.body.status, by: from };
          },
        },
      },
    }),
    { durable: false, topics: ['team'] },
  );
  return { director, decided: () => decided };
}

/**
 * Members hosted elsewhere take a moment to start: coordinators begin once every remote
 * member has claimed its place and every remote worker has been heard (or the join timeout
 * passed), not with a team they would suspect. Returns the origin of model time.
 */
async function joinRemoteMembers(
  options: TeamRunOptions,
  ctx: OpenTeam,
  director: ActorHandle,
  remote: readonly string[],
  workers: readonly string[],
): Promise<number> {
  const heard = new Set<string>();
  const stopHearing = ctx.host.onHeartbeat((hb) => heard.add(hb.actor));
  const progress = await waitForMembers({
    kv: ctx.boardKv,
    remote,
    timeoutMs: options.joinTimeoutMs ?? 60_000,
    clock: ctx.clock,
    heard: { needed: workers, set: heard },
    onChange: (p) => options.onJoinWait?.({ ...p, team: ctx.config.team }),
  }).finally(stopHearing);
  director.runtime.record({ kind: 'mark', name: 'run.joined', ...progress });
  const runStartMs = ctx.clock.now();
  await markRunStarted(ctx.boardKv, progress, runStartMs);
  return runStartMs;
}

/**
 * Waits for the run's end, decided from what is on NATS, never from an actor's memory: the
 * board (every task done, and with verification every result approved), a coordinator's
 * `run.done`, failed tasks, the budget or the deadline. The run's clock decides when the next
 * look happens (a virtual one: the schedule).
 */
async function awaitRunEnd(
  ctx: OpenTeam,
  board: TaskBoard,
  end: {
    deadline: number;
    deadlineMs: number;
    stop: () => RunStop | undefined;
    decided: () => { status: string } | undefined;
  },
): Promise<{ status: TeamRunStatus; reason?: string }> {
  const { clock, config } = ctx;
  const verifying = config.arch === 'centralized' && config.verify > 0;
  const coordinatorOutcome = (outcome: string) => end.decided()?.status === outcome;
  for (;;) {
    const stop = end.stop();
    if (stop) return stop;
    let entries;
    try {
      entries = [...(await board.all()).values()].map((v) => v.entry);
    } catch {
      // The board is unavailable for a moment (a broker node failing over): look again.
      await delay(clock, 100);
      continue;
    }
    if (!verifying && entries.every((e) => e.status === 'done')) return { status: 'completed' };
    // With verification the board says done before the votes are in: an approval is written
    // to the entry (`verified`), and the coordinator that decides says so.
    if (verifying && entries.every((e) => e.status === 'done' && e.verified))
      return { status: 'completed' };
    if (verifying && coordinatorOutcome('completed')) return { status: 'completed' };
    if (
      coordinatorOutcome('failed') ||
      (config.arch !== 'centralized' && entries.some((e) => e.status === 'failed'))
    ) {
      const failed = entries.filter((e) => e.status === 'failed').map((e) => e.id);
      return { status: 'failed', reason: `tasks failed: ${failed.join(', ') || 'blocked'}` };
    }
    if (clock.now() > end.deadline) {
      const left = entries.filter((e) => e.status !== 'done').length;
      return {
        status: 'deadline',
        reason: `deadline of ${end.deadlineMs} ms passed with ${left} tasks left`,
      };
    }
    await delay(clock, 25);
  }
}

/** Opens this process's part of the team for the run (team-open.ts). */
function openRunTeam(
  options: TeamRunOptions,
  config: TeamRunConfig,
  clock: Clock,
  runStart: Promise<number> | undefined,
): Promise<OpenTeam> {
  return openTeam({
    nc: options.nc,
    config,
    clock,
    ...(options.memberClock ? { memberClock: options.memberClock } : {}),
    node: options.node,
    ...(options.localMembers ? { idScope: ['director', ...options.localMembers] } : {}),
    trace: options.trace,
    replicas: options.replicas,
    storage: options.storage,
    fresh: options.fresh,
    modelOptions: options.modelOptions,
    testRunner: options.testRunner,
    interceptor: options.interceptor,
    durable: options.durable,
    deliveryGate: options.deliveryGate,
    sharedStateGate: options.sharedStateGate,
    unsafeSharedState: options.unsafeSharedState,
    budget: options.budget,
    hostOptions: options.hostOptions,
    ...(runStart ? { runStarted: () => runStart } : {}),
  });
}

/** The run's result from its end and the board at the end. */
function teamRunResult(
  options: TeamRunOptions,
  config: TeamRunConfig,
  end: {
    status: TeamRunStatus;
    reason: string | undefined;
    wallMs: number;
    final: BoardEntry[];
    hostStats: HostStats;
    ctx: OpenTeam;
  },
): TeamRunResult {
  const { status, reason, final } = end;
  return {
    status,
    ...(reason ? { reason } : {}),
    team: config.team,
    arch: config.arch,
    agents: config.workers.length,
    model: options.model,
    ...(config.models ? { models: config.models } : {}),
    seed: config.seed,
    timeScale: config.timeScale,
    makespanModelMs: Math.max(0, ...final.map((e) => e.doneAtModel ?? 0)),
    wallMs: end.wallMs,
    tasks: final
      .map((e) => ({
        id: e.id,
        status: e.status,
        ...(e.owner ? { owner: e.owner } : {}),
        ...(e.doneAtModel !== undefined ? { doneAtModel: e.doneAtModel } : {}),
        claims: e.claims,
      }))
      .sort((a, b) => (a.id < b.id ? -1 : 1)),
    usage: end.ctx.ledger.summary(),
    hostStats: end.hostStats,
  };
}

/**
 * Runs one team on one suite to its end: completion, impossibility, budget or deadline. By
 * default every member lives in this process; with `localMembers` the others are expected to
 * join from `node` processes (`startTeamNode`), which read the run's configuration from KV.
 */
export async function runTeam(options: TeamRunOptions): Promise<TeamRunResult> {
  const clock = options.clock ?? systemClock;
  const random = createRandom(String(options.seed));
  const roster = teamMembersOf(options);
  const { workers, coordinators, members, local } = roster;
  const team =
    options.team ?? `r${random.fork('team').int(1e9).toString(36)}${clock.now().toString(36)}`;
  const started = clock.now();
  const config = teamRunConfig(options, team, roster, started);
  // With members elsewhere, model time starts once they have joined (run.started): a node takes
  // seconds to start, and counted as model time that wait would leave the run nothing to pace.
  const remote = members.filter((m) => !local.includes(m));
  let setRunStart: (atMs: number) => void = () => undefined;
  const runStart =
    remote.length > 0 ? new Promise<number>((resolve) => (setRunStart = resolve)) : undefined;
  const ctx = await openRunTeam(options, config, clock, runStart);
  const { host } = ctx;
  const directorBoard = ctx.boardOf('director');
  // Together: the configuration is written after the tasks (one connection keeps the order,
  // and so their revisions), in the same write.
  await Promise.all([
    directorBoard.init(options.suite.tasks),
    publishRunConfig(ctx.boardKv, config),
  ]);
  const claims = await claimLocalMembers(options, ctx, local, clock);
  const { director, decided } = await spawnRunDirector(host, coordinators);
  director.runtime.record({
    kind: 'mark',
    name: 'run.start',
    arch: config.arch,
    agents: roster.n,
    model: options.model,
    ...(config.models ? { models: config.models } : {}),
    seed: config.seed,
    timeScale: config.timeScale,
    // How the coordinators were tuned, so a trace says which scheduler it shows.
    ...(coordinators.length > 0 ? { coordinator: config.coordinator } : {}),
    suite: options.suite.id,
    p: options.suite.p,
    tasks: options.suite.tasks.map((t) => ({ id: t.id, deps: t.deps, files: t.files })),
    ...(remote.length > 0 ? { remote } : {}),
  });
  const budget = watchBudget(ctx.ledger, director);
  for (const id of workers) if (local.includes(id)) await spawnMember(ctx, id);
  if (remote.length > 0)
    setRunStart(await joinRemoteMembers(options, ctx, director, remote, workers));
  for (const id of coordinators) if (local.includes(id)) await spawnMember(ctx, id);
  await options.onStarted?.(
    runningTeam({ team, host, director, workers, coordinators, respawn: ctx.respawn }),
  );

  const deadlineMs = options.deadlineMs ?? 600_000;
  const { status, reason } = await awaitRunEnd(ctx, directorBoard, {
    deadline: started + deadlineMs,
    deadlineMs,
    stop: budget.stop,
    decided,
  });
  const wallMs = clock.now() - started;
  const final = await readFinalBoard(directorBoard, clock);
  await options.onEnding?.();
  await announceRunEnd(director, ctx.boardKv, {
    status,
    reason,
    wallMs,
    remote: remote.length > 0,
  });
  budget.off();
  const hostStats = { ...host.stats };
  await ctx.close();
  await Promise.all(claims.map((c) => c.release()));
  return teamRunResult(options, config, { status, reason, wallMs, final, hostStats, ctx });
}
