import { setup } from 'xstate';
import { provisionTeam, type NatsConnection } from '@llm-teams/broker';
import {
  createActorHost,
  createFailureDetector,
  createKvSnapshotStore,
  createRandom,
  systemClock,
  type ActorHandle,
  type ActorHost,
  type ActorHostOptions,
  type Clock,
  type DeliveryGate,
  type HostStats,
  type MessageInterceptor,
  type SharedStateGate,
  type TracePayload,
  type TraceSink,
} from '@llm-teams/runtime';
import { createAgentMachine } from '../agent/agent-machine.js';
import type { Architecture } from '../agent/agent-prompt.js';
import { DEFAULT_AGENT_LIMITS, type AgentLimits } from '../agent/agent-services.js';
import { AgentsError } from '../agents-error.js';
import {
  checkModelCredentials,
  createModelClient,
  createUsageLedger,
  type ModelClient,
  type ModelClientOptions,
  type UsageBudget,
  type UsageSummary,
} from '../models/index.js';
import { createTaskBoard } from '../shared/task-board.js';
import { createTestRunner, type TestRunner } from '../shared/test-runner.js';
import { createWorkspaceStore } from '../shared/workspace-store.js';
import type { TaskSuite } from '../task-spec.js';
import { createToolExecutor } from '../tools/tool-executor.js';
import { createCoordinatorMachine } from './coordinator-machine.js';
import { longestPathToEnd, topologicalOrder } from './dag.js';

export interface CoordinatorOptions {
  /** Run a standby coordinator that takes over when the leader dies. Default true. */
  standby?: boolean;
  /** Leader lease. Default 1500. */
  leaseMs?: number;
  /** Launch backup copies of stragglers. Default true. */
  backups?: boolean;
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
const DELIVERY = {
  types: {
    'task.assign': 'at-least-once',
    'task.done': 'at-least-once',
    'task.review': 'at-least-once',
    'vote.cast': 'at-least-once',
  },
} as const;

/**
 * Runs one team on one suite to its end: completion, impossibility, budget or deadline. All
 * actors of the team live in one host here; `node` mode (several processes) builds on the same
 * pieces.
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
  const tasks = new Map(options.suite.tasks.map((t) => [t.id, t]));
  topologicalOrder(options.suite.tasks);
  const priority = longestPathToEnd(options.suite.tasks);
  const timeScale = options.timeScale ?? 0.01;
  const team =
    options.team ?? `r${random.fork('team').int(1e9).toString(36)}${Date.now().toString(36)}`;
  const resources = await provisionTeam(options.nc, {
    team,
    prefix: options.prefix,
    replicas: options.replicas ?? 1,
    ...(options.storage ? { storage: options.storage } : {}),
  });
  const boardKv = await resources.bucket('board');
  const filesKv = await resources.bucket('files');
  const unsafeWrites = options.unsafeSharedState?.board === true;
  const unsafeFiles = options.unsafeSharedState?.files === true;
  const board = createTaskBoard(boardKv, { unsafeWrites });
  const workspace = createWorkspaceStore(filesKv, { unsafeWrites: unsafeFiles });
  // Under a schedule, each actor's operations are its own steps, so each gets its own view.
  const gated = options.sharedStateGate;
  const gateOf = (actor: string): SharedStateGate | undefined =>
    gated && ((op, run) => gated({ ...op, actor }, run));
  const boardOf = (actor: string) =>
    gated ? createTaskBoard(boardKv, { gate: gateOf(actor), unsafeWrites }) : board;
  const workspaceOf = (actor: string) =>
    gated
      ? createWorkspaceStore(filesKv, { gate: gateOf(actor), unsafeWrites: unsafeFiles })
      : workspace;
  const leases = await resources.bucket('leases');
  const snapshots = createKvSnapshotStore(await resources.bucket('snapshots'));
  await board.init(options.suite.tasks);
  const runner = options.testRunner ?? createTestRunner({ concurrency: 2 });
  const ledger = createUsageLedger({ ...(options.budget ? { budget: options.budget } : {}) });
  const workers = Array.from({ length: n }, (_, i) => `a${i + 1}`);
  const coordinators =
    arch === 'centralized'
      ? options.coordinator?.standby === false
        ? ['coord1']
        : ['coord1', 'coord2']
      : [];
  const limits: AgentLimits = { ...DEFAULT_AGENT_LIMITS, ...options.agentLimits };

  const host = await createActorHost({
    nc: options.nc,
    team,
    prefix: options.prefix,
    node: options.node,
    clock,
    seed,
    trace: options.trace,
    delivery: DELIVERY,
    snapshots,
    interceptor: options.interceptor,
    ...(options.durable ? { durable: options.durable } : {}),
    ...(options.deliveryGate ? { deliveryGate: options.deliveryGate } : {}),
    supervision: { maxRestarts: 3, windowMs: 60_000, backoff: { initialMs: 50, maxMs: 1000 } },
  });
  const record = (id: string) => (p: TracePayload) => host.actor(id)?.runtime.record(p);
  // How each actor was spawned, so a killed one can be spawned again (RunningTeam.restart).
  const respawn = new Map<string, () => Promise<unknown>>();
  const spawn: ActorHost['spawn'] = (id, logic, spawnOptions) => {
    respawn.set(id, () => host.spawn(id, logic, spawnOptions));
    return host.spawn(id, logic, spawnOptions);
  };
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
  });

  const models: ModelClient[] = [];
  const started = clock.now();
  let stopReason: { status: TeamRunStatus; reason: string } | undefined;
  const budgetOff = ledger.onBudgetExceeded((why) => {
    stopReason ??= { status: 'budget', reason: why.reason };
  });

  for (const id of workers) {
    const model = createModelClient(options.model, {
      seed,
      clock,
      // A task costs the same model time whoever does it: team sizes and schedules compare
      // the same work (docs/models.md).
      randomKey: 'task',
      // The agents pace real time to model time themselves (AgentServices.timeScale), so the
      // client does not sleep; real providers take their real time anyway.
      timeScale: 0,
      ledger,
      team,
      ...options.modelOptions,
      onAttempt: (r) => {
        record(id)({
          kind: 'llm',
          model: r.model,
          inputTokens: r.inputTokens,
          outputTokens: r.outputTokens,
          ...(r.cachedTokens !== undefined ? { cachedTokens: r.cachedTokens } : {}),
          latencyMs: r.latencyMs,
          attempt: r.attempt,
          outcome: r.outcome,
          callIndex: r.callIndex,
          ...(r.taskId !== undefined ? { taskId: r.taskId } : {}),
          ...(r.error !== undefined ? { error: r.error } : {}),
          ...(r.costUsd !== undefined ? { costUsd: r.costUsd } : {}),
        });
        options.modelOptions?.onAttempt?.(r);
      },
      sim: { ...options.modelOptions?.sim, oracle: { task: (t) => tasks.get(t) } },
    });
    models.push(model);
    const selfClaiming = arch !== 'centralized';
    const agentBoard = boardOf(id);
    const agentWorkspace = workspaceOf(id);
    const executor = createToolExecutor({
      agentId: id,
      tasks,
      workspace: agentWorkspace,
      board: agentBoard,
      runner,
      record: record(id),
      now: () => clock.now(),
      message: (to, text, taskId) => {
        const rt = host.actor(id)?.runtime;
        if (!rt) return 'not running';
        if (to === 'all') rt.broadcast('team', 'peer.msg', { text, ...(taskId ? { taskId } : {}) });
        else if (workers.includes(to) || coordinators.includes(to))
          rt.tell(to, 'peer.msg', { text, ...(taskId ? { taskId } : {}) });
        else
          return `unknown teammate ${to}; teammates are ${workers.filter((w) => w !== id).join(', ') || '(none)'}`;
        return undefined;
      },
      ...(selfClaiming
        ? {
            claim: async (taskId: string) => {
              const now = clock.now();
              const out = await agentBoard.update(taskId, (e) =>
                e.status !== 'open'
                  ? `${taskId} is ${e.status}${e.owner ? ` by ${e.owner}` : ''}`
                  : e.deps.length > 0
                    ? {
                        ...e,
                        status: 'claimed',
                        owner: id,
                        claimedAt: now,
                        leaseUntil: now + limits.leaseMs,
                        claims: e.claims + 1,
                      }
                    : {
                        ...e,
                        status: 'claimed',
                        owner: id,
                        claimedAt: now,
                        leaseUntil: now + limits.leaseMs,
                        claims: e.claims + 1,
                      },
              );
              return out.ok ? { ok: true as const } : { ok: false as const, reason: out.reason };
            },
          }
        : {}),
      complete: async (taskId, session) => {
        const out = await agentBoard.update(taskId, (e) => {
          if (e.status === 'done') return `${taskId} is already done by ${e.owner ?? '?'}`;
          if (e.owner !== id && e.backup !== id)
            return `${taskId} is not assigned to you (owner ${e.owner ?? 'none'})`;
          return {
            ...e,
            status: 'done',
            owner: id,
            backup: undefined,
            leaseUntil: undefined,
            doneAtModel: session.modelNow,
          };
        });
        if (out.ok)
          record(id)({
            kind: 'tool',
            name: 'board.complete',
            outcome: 'ok',
            taskId,
            kvWrite: `board/task.${taskId}@${out.rev}`,
          });
        return out.ok ? { ok: true } : { ok: false, reason: out.reason };
      },
    });
    const machine = createAgentMachine({
      agentId: id,
      arch,
      tasks,
      priority,
      teammates: workers.filter((w) => w !== id),
      coordinators,
      model,
      executor,
      board: agentBoard,
      workspace: agentWorkspace,
      random: random.fork(`agent/${id}`),
      limits,
      timeScale:
        options.model.startsWith('sim:') || options.model.startsWith('replay:') ? timeScale : 1,
      runStartMs: started,
      record: record(id),
      now: () => clock.now(),
      clock,
    });
    await spawn(id, machine, {
      input: { agentId: id },
      durable: arch === 'centralized',
      topics: ['team'],
      heartbeat: { intervalMs: options.failureDetection?.heartbeatMs ?? 100 },
    });
  }

  const detectors: { close(): void }[] = [];
  for (const id of coordinators) {
    const machine = createCoordinatorMachine({
      id,
      workers,
      priority,
      board: boardOf(id),
      leases,
      clock,
      timeScale,
      leaseMs: options.coordinator?.leaseMs ?? 1500,
      tickMs: 100,
      maxAttempts: options.coordinator?.maxAttempts ?? 3,
      stragglerFactor: options.coordinator?.stragglerFactor ?? 3,
      stragglerMinMs: options.coordinator?.stragglerMinMs ?? 200,
      backups: options.coordinator?.backups ?? true,
      verify: options.verify?.reviewers ?? 0,
    });
    await spawn(id, machine, {
      durable: true,
      topics: ['team'],
      heartbeat: { intervalMs: 100 },
    });
    const fd = options.failureDetection;
    detectors.push(
      createFailureDetector({
        nc: options.nc,
        subjects: host.subjects,
        clock,
        kind: fd?.kind ?? 'phi',
        timeoutMs: fd?.timeoutMs ?? 1000,
        phiThreshold: fd?.phiThreshold ?? 8,
        expectedIntervalMs: fd?.heartbeatMs ?? 100,
        watch: (a) => workers.includes(a),
        expect: workers,
        onSuspect: (worker) => host.actor(id)?.send({ type: 'worker.suspected', worker }),
        onRecover: (worker) => host.actor(id)?.send({ type: 'worker.recovered', worker }),
      }),
    );
  }

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
      const again = respawn.get(id);
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
  const directorBoard = boardOf('director');
  let status: TeamRunStatus = 'completed';
  let reason: string | undefined;
  for (;;) {
    if (stopReason) {
      ({ status, reason } = stopReason);
      break;
    }
    const entries = [...(await directorBoard.all()).values()].map((v) => v.entry);
    const verifying = arch === 'centralized' && (options.verify?.reviewers ?? 0) > 0;
    if (!verifying && entries.every((e) => e.status === 'done')) break;
    // With verification the board says done before the votes are in: the coordinator decides.
    const completedBy = coordinators.some((c) => {
      const snap = host.actor(c)?.getSnapshot() as
        { status?: string; context?: { outcome?: string } } | undefined;
      return snap?.status === 'done' && snap.context?.outcome === 'completed';
    });
    if (verifying && completedBy) break;
    const failedCoordinator = coordinators.some((c) => {
      const snap = host.actor(c)?.getSnapshot() as
        { status?: string; context?: { outcome?: string } } | undefined;
      return snap?.status === 'done' && snap.context?.outcome === 'failed';
    });
    if (
      failedCoordinator ||
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
  const final = [...(await directorBoard.all()).values()].map((v) => v.entry);
  director.runtime.broadcast('team', 'run.done', { status });
  director.runtime.record({
    kind: 'mark',
    name: 'run.end',
    status,
    ...(reason ? { reason } : {}),
    wallMs,
  });
  await host.flush();
  for (const d of detectors) d.close();
  budgetOff();
  await host.close();
  if (!options.testRunner) await runner.close();
  await Promise.all(models.map((m) => m.close()));
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
    usage: ledger.summary(),
    hostStats: { ...host.stats },
  };
}
