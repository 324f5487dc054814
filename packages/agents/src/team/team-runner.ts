import { setup } from 'xstate';
import type { KV, NatsConnection } from '@llm-teams/broker';
import {
  compileRetryPolicy,
  createRandom,
  systemClock,
  withRetry,
  type ActorHandle,
  type ActorHost,
  type ActorHostOptions,
  type Clock,
  type DeliveryGate,
  type HostStats,
  type MessageInterceptor,
  type SharedStateGate,
  type TraceSink,
} from '@llm-teams/runtime';
import type { Architecture } from '../agent/agent-prompt.js';
import { DEFAULT_AGENT_LIMITS, type AgentLimits } from '../agent/agent-services.js';
import { AgentsError } from '../agents-error.js';
import {
  checkModelCredentials,
  type ModelClientOptions,
  type UsageBudget,
  type UsageSummary,
} from '../models/index.js';
import type { TaskBoard } from '../shared/task-board.js';
import type { TestRunner } from '../shared/test-runner.js';
import type { TaskSuite } from '../task-spec.js';
import { topologicalOrder } from './dag.js';
import { spawnCoordinator, spawnWorker, type TeamRunConfig } from './team-members.js';
import { openTeam } from './team-open.js';

export interface CoordinatorOptions {
  /** Run a standby coordinator that takes over when the leader dies. Default true. */
  standby?: boolean;
  /** Leader lease. Default 1500. */
  leaseMs?: number;
  /** Launch backup copies of stragglers. Default true. */
  backups?: boolean;
  /** With idle workers and nothing ready, also back up running tasks past half the median
   *  task duration (speculative execution at the tail, as MapReduce). Default true. */
  tailBackups?: boolean;
  /** A task is a straggler past this multiple of the median task duration. Default 3. */
  stragglerFactor?: number;
  /** ...and past this many real ms. Default 200. */
  stragglerMinMs?: number;
  /** Attempts per task before it fails for good. Default 3. */
  maxAttempts?: number;
}

export interface FailureDetectionOptions {
  kind?: 'phi' | 'timeout';
  /** Default 100. */
  heartbeatMs?: number;
  /** Default 1000. */
  timeoutMs?: number;
  /** Default 8. */
  phiThreshold?: number;
}

export interface TeamRunOptions {
  nc: NatsConnection;
  suite: TaskSuite;
  arch: Architecture;
  /** Workers (n). `single` always uses 1. */
  agents: number;
  /** Model id, e.g. `sim:claude-sonnet-4-6`. */
  model: string;
  seed: number | string;
  /** Team name (subject token). Default derived from the seed and the time. */
  team?: string;
  prefix?: string;
  /** Compresses simulated model latency: real waits are model time x timeScale. Default 0.01. */
  timeScale?: number;
  /** The run stops after this much real time, whatever its state. Default 600000. */
  deadlineMs?: number;
  trace?: TraceSink;
  /** Node name in the trace. Default `node-<pid>`. */
  node?: string;
  budget?: UsageBudget;
  /** Passed to every model client (env, baseURL, sim faults, prices...). */
  modelOptions?: Partial<ModelClientOptions>;
  agentLimits?: Partial<AgentLimits>;
  coordinator?: CoordinatorOptions;
  failureDetection?: FailureDetectionOptions;
  /** Verification quorum (centralized teams): every completed task is reviewed by
   *  `reviewers` other agents; a strict majority decides whether it stands or is redone.
   *  Default: off. */
  verify?: { reviewers: number };
  /** Message-level fault injection / schedule control. */
  interceptor?: MessageInterceptor;
  /** JetStream replicas (3 on a 3-node cluster). Default 1. */
  replicas?: number;
  /** The team's at-least-once inboxes (`ActorHostOptions.durable`: ack wait, in-progress ack
   *  interval). Default: the host's (30 s ack wait). */
  durable?: ActorHostOptions['durable'];
  clock?: Clock;
  /** Runs the tasks' tests. Default: node:test in child processes (`createTestRunner`),
   *  closed at the end; a runner passed in stays open (its owner closes it). */
  testRunner?: TestRunner;
  /** Schedule control of deliveries (`ActorHostOptions.deliveryGate`). Default: none. */
  deliveryGate?: DeliveryGate;
  /** Schedule control of shared state: each actor's task-board and workspace operations go
   *  through it, tagged with the actor's id. Default: none. */
  sharedStateGate?: SharedStateGate;
  /** TEST ONLY: shared state without compare-and-set (`unsafeWrites` of the task board and
   *  of the workspace), a deliberately broken protocol for schedule exploration tests.
   *  Default: both safe. */
  unsafeSharedState?: { board?: boolean; files?: boolean };
  /** JetStream storage of the team's streams and buckets. Default `file`. */
  storage?: 'file' | 'memory';
  /** Called once the team is up: tests and the chaos tooling act on it. */
  onStarted?: (team: RunningTeam) => void | Promise<void>;
  /** How long a run with remote members waits for them to join before it starts. Default
   *  60000. */
  joinTimeoutMs?: number;
  /** Members hosted by this process (default: all). The others are expected to join from
   *  `node` processes (`startTeamNode`); they read the run's configuration from KV. */
  localMembers?: string[];
}

/** A team while it runs. */
export interface RunningTeam {
  readonly team: string;
  readonly host: ActorHost;
  readonly workers: readonly string[];
  readonly coordinators: readonly string[];
  actor(id: string): ActorHandle | undefined;
  /** Stops an actor for good (a killed process): no restart; its heartbeats stop. */
  kill(id: string): Promise<void>;
  /** Spawns a killed actor again, with the machine and options it first had; it restores its
   *  checkpoint and its heartbeats resume. Records a `restart` fault. No-op while it runs. */
  restart(id: string): Promise<void>;
  /** Records a mark in the director's lane. */
  mark(name: string, data?: Record<string, unknown>): void;
}

export type TeamRunStatus = 'completed' | 'failed' | 'deadline' | 'budget';

export interface TeamRunResult {
  status: TeamRunStatus;
  reason?: string;
  team: string;
  arch: Architecture;
  agents: number;
  model: string;
  seed: string;
  timeScale: number;
  /** Model time from start to the last completion. */
  makespanModelMs: number;
  wallMs: number;
  tasks: { id: string; status: string; owner?: string; doneAtModel?: number; claims: number }[];
  usage: UsageSummary;
  hostStats: HostStats;
}

/** Work and its outcome must not be lost; chatter and cancellations may be. */
const RUN_CONFIG_KEY = 'run.config';
/** Where the run's end is recorded for nodes that missed the `run.done` broadcast. */
export const RUN_STATUS_KEY = 'run.status';

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

/** Resolves with the actors heard among `wanted`, once all are or time is up. */
async function waitForHeartbeats(
  host: ActorHost,
  clock: Clock,
  wanted: readonly string[],
  timeoutMs: number,
): Promise<string[]> {
  const heard = new Set<string>();
  return new Promise((resolve) => {
    const done = () => {
      clock.clearTimeout(timer);
      stop();
      resolve([...heard]);
    };
    const stop = host.onHeartbeat((hb) => {
      if (wanted.includes(hb.actor)) heard.add(hb.actor);
      if (heard.size === wanted.length) done();
    });
    const timer = clock.setTimeout(done, timeoutMs);
  });
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

/**
 * Runs one team on one suite to its end: completion, impossibility, budget or deadline. By
 * default every member lives in this process; with `localMembers` the others are expected to
 * join from `node` processes (`startTeamNode`), which read the run's configuration from KV.
 */
export async function runTeam(options: TeamRunOptions): Promise<TeamRunResult> {
  const clock = options.clock ?? systemClock;
  const seed = String(options.seed);
  const random = createRandom(seed);
  const arch = options.arch;
  const n = arch === 'single' ? 1 : options.agents;
  if (!Number.isInteger(n) || n < 1 || n > 64) {
    throw new AgentsError('INVALID_TEAM', `agents must be an integer 1..64, got ${options.agents}`);
  }
  checkModelCredentials(options.model, options.modelOptions?.env ?? process.env);
  topologicalOrder(options.suite.tasks);
  const timeScale = options.timeScale ?? 0.01;
  const team =
    options.team ?? `r${random.fork('team').int(1e9).toString(36)}${Date.now().toString(36)}`;
  const workers = Array.from({ length: n }, (_, i) => `a${i + 1}`);
  const coordinators =
    arch === 'centralized'
      ? options.coordinator?.standby === false
        ? ['coord1']
        : ['coord1', 'coord2']
      : [];
  const members = [...workers, ...coordinators];
  const local = options.localMembers ?? members;
  for (const m of local) {
    if (!members.includes(m)) {
      throw new AgentsError(
        'INVALID_TEAM',
        `local member ${m} is not in the team (${members.join(', ')})`,
      );
    }
  }
  const started = clock.now();
  const fd = options.failureDetection;
  const co = options.coordinator;
  const config: TeamRunConfig = {
    team,
    ...(options.prefix ? { prefix: options.prefix } : {}),
    arch,
    model: options.model,
    seed,
    timeScale,
    runStartMs: started,
    suite: options.suite,
    workers,
    coordinators,
    limits: { ...DEFAULT_AGENT_LIMITS, ...options.agentLimits },
    coordinator: {
      leaseMs: co?.leaseMs ?? 1500,
      maxAttempts: co?.maxAttempts ?? 3,
      stragglerFactor: co?.stragglerFactor ?? 3,
      stragglerMinMs: co?.stragglerMinMs ?? 200,
      backups: co?.backups ?? true,
      tailBackups: co?.tailBackups ?? true,
    },
    failureDetection: {
      kind: fd?.kind ?? 'phi',
      heartbeatMs: fd?.heartbeatMs ?? 100,
      timeoutMs: fd?.timeoutMs ?? 1000,
      phiThreshold: fd?.phiThreshold ?? 8,
    },
    verify: options.verify?.reviewers ?? 0,
  };
  const ctx = await openTeam({
    nc: options.nc,
    config,
    clock,
    node: options.node,
    ...(options.localMembers ? { idScope: ['director', ...options.localMembers] } : {}),
    trace: options.trace,
    replicas: options.replicas,
    storage: options.storage,
    modelOptions: options.modelOptions,
    testRunner: options.testRunner,
    interceptor: options.interceptor,
    durable: options.durable,
    deliveryGate: options.deliveryGate,
    sharedStateGate: options.sharedStateGate,
    unsafeSharedState: options.unsafeSharedState,
    budget: options.budget,
  });
  const { host } = ctx;
  const directorBoard = ctx.boardOf('director');
  await directorBoard.init(options.suite.tasks);
  await publishRunConfig(ctx.boardKv, config);
  const director = await host.spawn('director', setup({}).createMachine({}), { durable: false });
  director.runtime.record({
    kind: 'mark',
    name: 'run.start',
    arch,
    agents: n,
    model: options.model,
    seed,
    timeScale,
    suite: options.suite.id,
    p: options.suite.p,
    tasks: options.suite.tasks.map((t) => ({ id: t.id, deps: t.deps, files: t.files })),
    ...(local.length < members.length ? { remote: members.filter((m) => !local.includes(m)) } : {}),
  });
  let stopReason: { status: TeamRunStatus; reason: string } | undefined;
  const budgetOff = ctx.ledger.onBudgetExceeded((why) => {
    stopReason ??= { status: 'budget', reason: why.reason };
  });
  for (const id of workers) if (local.includes(id)) await spawnWorker(ctx, id);
  // Members hosted elsewhere take a moment to start: coordinators begin once every remote
  // worker has been heard (or the join timeout passed), not with a team they would suspect.
  const remoteWorkers = workers.filter((w) => !local.includes(w));
  if (remoteWorkers.length > 0) {
    const joined = await waitForHeartbeats(
      host,
      clock,
      remoteWorkers,
      options.joinTimeoutMs ?? 60_000,
    );
    director.runtime.record({
      kind: 'mark',
      name: 'run.joined',
      joined,
      missing: remoteWorkers.filter((w) => !joined.includes(w)),
    });
  }
  for (const id of coordinators) if (local.includes(id)) await spawnCoordinator(ctx, id);

  const running: RunningTeam = {
    team,
    host,
    workers,
    coordinators,
    actor: (id) => host.actor(id),
    kill: async (id) => {
      director.runtime.record({ kind: 'fault', fault: 'kill', target: id });
      await host.actor(id)?.stop();
    },
    restart: async (id) => {
      const again = ctx.respawn.get(id);
      if (!again)
        throw new AgentsError('INVALID_TEAM', `team ${team} has no actor ${id} to restart`);
      if (host.actor(id)) return;
      director.runtime.record({ kind: 'fault', fault: 'restart', target: id });
      await again();
    },
    mark: (name, data) => director.runtime.record({ kind: 'mark', name, ...data }),
  };
  await options.onStarted?.(running);

  const deadline = started + (options.deadlineMs ?? 600_000);
  const verifying = arch === 'centralized' && config.verify > 0;
  const coordinatorOutcome = (outcome: string) =>
    coordinators.some((c) => {
      const snap = host.actor(c)?.getSnapshot() as
        { status?: string; context?: { outcome?: string } } | undefined;
      return snap?.status === 'done' && snap.context?.outcome === outcome;
    });
  let status: TeamRunStatus = 'completed';
  let reason: string | undefined;
  for (;;) {
    if (stopReason) {
      ({ status, reason } = stopReason);
      break;
    }
    let entries;
    try {
      entries = [...(await directorBoard.all()).values()].map((v) => v.entry);
    } catch {
      // The board is unavailable for a moment (a broker node failing over): look again.
      await new Promise<void>((r) => setTimeout(r, 100));
      continue;
    }
    if (!verifying && entries.every((e) => e.status === 'done')) break;
    // With verification the board says done before the votes are in: the coordinator decides.
    if (verifying && coordinatorOutcome('completed')) break;
    if (
      coordinatorOutcome('failed') ||
      (arch !== 'centralized' && entries.some((e) => e.status === 'failed'))
    ) {
      status = 'failed';
      reason = `tasks failed: ${
        entries
          .filter((e) => e.status === 'failed')
          .map((e) => e.id)
          .join(', ') || 'blocked'
      }`;
      break;
    }
    if (clock.now() > deadline) {
      status = 'deadline';
      reason = `deadline of ${options.deadlineMs ?? 600_000} ms passed with ${entries.filter((e) => e.status !== 'done').length} tasks left`;
      break;
    }
    // An injected clock decides when the next look happens (a virtual one: the schedule).
    await new Promise<void>((r) => (options.clock ? clock.setTimeout(r, 25) : setTimeout(r, 25)));
  }
  const wallMs = clock.now() - started;
  const final = await readFinalBoard(directorBoard, clock);
  director.runtime.broadcast('team', 'run.done', { status });
  // The broadcast is at-most-once: a node cut off at that moment learns the end from KV
  // instead. Only runs with members elsewhere write it (a scheduled run's board operations
  // are schedule steps, and its replay must see the same ones).
  if ([...workers, ...coordinators].some((id) => !local.includes(id)))
    await ctx.boardKv
      .put(RUN_STATUS_KEY, new TextEncoder().encode(JSON.stringify({ status, wallMs })))
      .catch(() => undefined);
  director.runtime.record({
    kind: 'mark',
    name: 'run.end',
    status,
    ...(reason ? { reason } : {}),
    wallMs,
  });
  budgetOff();
  const hostStats = { ...host.stats };
  await ctx.close();
  const makespanModelMs = Math.max(0, ...final.map((e) => e.doneAtModel ?? 0));
  return {
    status,
    ...(reason ? { reason } : {}),
    team,
    arch,
    agents: n,
    model: options.model,
    seed,
    timeScale,
    makespanModelMs,
    wallMs,
    tasks: final
      .map((e) => ({
        id: e.id,
        status: e.status,
        ...(e.owner ? { owner: e.owner } : {}),
        ...(e.doneAtModel !== undefined ? { doneAtModel: e.doneAtModel } : {}),
        claims: e.claims,
      }))
      .sort((a, b) => (a.id < b.id ? -1 : 1)),
    usage: ctx.ledger.summary(),
    hostStats,
  };
}
