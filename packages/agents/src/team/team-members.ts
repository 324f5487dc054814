import type { KV, NatsConnection } from '@llm-teams/broker';
import {
  createFailureDetector,
  type ActorHost,
  type Clock,
  type Random,
  type TracePayload,
} from '@llm-teams/runtime';
import { createAgentMachine } from '../agent/agent-machine.js';
import type { Architecture } from '../agent/agent-prompt.js';
import type { AgentLimits } from '../agent/agent-services.js';
import {
  createModelClient,
  type ModelClient,
  type ModelClientOptions,
  type UsageLedger,
} from '../models/index.js';
import type { TaskBoard } from '../shared/task-board.js';
import type { TestRunner } from '../shared/test-runner.js';
import type { WorkspaceStore } from '../shared/workspace-store.js';
import type { TaskSpec, TaskSuite } from '../task-spec.js';
import { AgentsError } from '../agents-error.js';
import { createToolExecutor } from '../tools/tool-executor.js';
import { createCoordinatorMachine } from './coordinator-machine.js';

/** Work and its outcome must not be lost; chatter and cancellations may be. */
export const TEAM_DELIVERY = {
  types: {
    'task.assign': 'at-least-once',
    'task.done': 'at-least-once',
    'task.review': 'at-least-once',
    'vote.cast': 'at-least-once',
  },
} as const;

export const TEAM_SUPERVISION = {
  maxRestarts: 3,
  windowMs: 60_000,
  backoff: { initialDelayMs: 50, maxDelayMs: 1000 },
};

/**
 * What every process of a team agrees on: written once to the team's board bucket
 * (`run.config`) by the process that starts the run, read by every `node` that joins it.
 */
export interface TeamRunConfig {
  team: string;
  prefix?: string;
  arch: Architecture;
  model: string;
  seed: string;
  timeScale: number;
  /** Wall time the run started: the origin of model time for every process. */
  runStartMs: number;
  suite: TaskSuite;
  workers: string[];
  coordinators: string[];
  limits: AgentLimits;
  coordinator: {
    leaseMs: number;
    maxAttempts: number;
    stragglerFactor: number;
    stragglerMinMs: number;
    backups: boolean;
    tailBackups: boolean;
  };
  failureDetection: {
    kind: 'phi' | 'timeout';
    heartbeatMs: number;
    timeoutMs: number;
    phiThreshold: number;
  };
  verify: number;
}

/** A process's handle on the team: shared state, local services and its host. */
export interface TeamContext {
  config: TeamRunConfig;
  nc: NatsConnection;
  host: ActorHost;
  clock: Clock;
  random: Random;
  tasks: ReadonlyMap<string, TaskSpec>;
  priority: ReadonlyMap<string, number>;
  boardOf(actor: string): TaskBoard;
  workspaceOf(actor: string): WorkspaceStore;
  leases: KV;
  runner: TestRunner;
  ledger: UsageLedger;
  modelOptions: Partial<ModelClientOptions> | undefined;
  /** Spawns through the host, remembering how (for restarts). */
  spawn: ActorHost['spawn'];
  /** What this process opened for its members, closed with the team. */
  models: ModelClient[];
  detectors: { close(): void }[];
}

const recorder = (ctx: TeamContext, id: string) => (p: TracePayload) =>
  ctx.host.actor(id)?.runtime.record(p);

/** Spawns worker `id` (an agent) in this process. */
export async function spawnWorker(ctx: TeamContext, id: string): Promise<void> {
  const { config, clock, host, tasks } = ctx;
  const { arch, workers, coordinators, limits } = config;
  const record = recorder(ctx, id);
  const model = createModelClient(config.model, {
    seed: config.seed,
    clock,
    // A task costs the same model time whoever does it: team sizes and schedules compare
    // the same work (docs/models.md).
    randomKey: 'task',
    // The agents pace real time to model time themselves (AgentServices.timeScale), so the
    // client does not sleep; real providers take their real time anyway.
    timeScale: 0,
    ledger: ctx.ledger,
    team: config.team,
    ...ctx.modelOptions,
    onAttempt: (r) => {
      record({
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
        ...(r.stopReason !== undefined ? { finishReason: r.stopReason } : {}),
      });
      ctx.modelOptions?.onAttempt?.(r);
    },
    sim: { ...ctx.modelOptions?.sim, oracle: { task: (t) => tasks.get(t) } },
  });
  ctx.models.push(model);
  const selfClaiming = arch !== 'centralized';
  const board = ctx.boardOf(id);
  const workspace = ctx.workspaceOf(id);
  const executor = createToolExecutor({
    agentId: id,
    tasks,
    workspace,
    board,
    runner: ctx.runner,
    record,
    now: () => clock.now(),
    message: (to, text, taskId) => {
      const rt = host.actor(id)?.runtime;
      if (!rt) return 'not running';
      const body = { text, ...(taskId ? { taskId } : {}) };
      if (to === 'all') rt.broadcast('team', 'peer.msg', body);
      else if (workers.includes(to) || coordinators.includes(to)) rt.tell(to, 'peer.msg', body);
      else
        return `unknown teammate ${to}; teammates are ${workers.filter((w) => w !== id).join(', ') || '(none)'}`;
      return undefined;
    },
    ...(selfClaiming
      ? {
          claim: async (taskId: string) => {
            const now = clock.now();
            const out = await board.update(taskId, (e) =>
              e.status !== 'open'
                ? `${taskId} is ${e.status}${e.owner ? ` by ${e.owner}` : ''}`
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
      const out = await board.update(taskId, (e) => {
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
        record({
          kind: 'tool',
          name: 'board.complete',
          outcome: 'ok',
          taskId,
          kvWrite: `board/task.${taskId}@${out.rev}`,
        });
      return out.ok ? { ok: true } : { ok: false, reason: out.reason };
    },
  });
  const simulated = config.model.startsWith('sim:') || config.model.startsWith('replay:');
  const machine = createAgentMachine({
    agentId: id,
    arch,
    tasks,
    priority: ctx.priority,
    teammates: workers.filter((w) => w !== id),
    coordinators,
    model,
    executor,
    board,
    workspace,
    random: ctx.random.fork(`agent/${id}`),
    limits,
    timeScale: simulated ? config.timeScale : 1,
    runStartMs: config.runStartMs,
    record,
    now: () => clock.now(),
    clock,
  });
  await ctx.spawn(id, machine, {
    input: { agentId: id },
    durable: arch === 'centralized',
    topics: ['team'],
    heartbeat: { intervalMs: config.failureDetection.heartbeatMs },
  });
}

/** Spawns coordinator `id` in this process, with the failure detector that feeds it. */
export async function spawnCoordinator(ctx: TeamContext, id: string): Promise<void> {
  const { config, clock, host } = ctx;
  const c = config.coordinator;
  const machine = createCoordinatorMachine({
    id,
    workers: config.workers,
    priority: ctx.priority,
    board: ctx.boardOf(id),
    leases: ctx.leases,
    clock,
    timeScale: config.timeScale,
    leaseMs: c.leaseMs,
    tickMs: 100,
    maxAttempts: c.maxAttempts,
    stragglerFactor: c.stragglerFactor,
    stragglerMinMs: c.stragglerMinMs,
    backups: c.backups,
    tailBackups: c.tailBackups,
    verify: config.verify,
  });
  await ctx.spawn(id, machine, { durable: true, topics: ['team'], heartbeat: { intervalMs: 100 } });
  const fd = config.failureDetection;
  ctx.detectors.push(
    createFailureDetector({
      // The host's one heartbeat subscription: a bad beat is dead-lettered once, not per detector.
      heartbeats: host,
      clock,
      kind: fd.kind,
      timeoutMs: fd.timeoutMs,
      phiThreshold: fd.phiThreshold,
      expectedIntervalMs: fd.heartbeatMs,
      watch: (a) => config.workers.includes(a),
      expect: config.workers,
      onSuspect: (worker) => host.actor(id)?.send({ type: 'worker.suspected', worker }),
      onRecover: (worker) => host.actor(id)?.send({ type: 'worker.recovered', worker }),
    }),
  );
}

/** Spawns a member of the team, worker or coordinator, by id. */
export async function spawnMember(ctx: TeamContext, id: string): Promise<void> {
  if (ctx.config.coordinators.includes(id)) await spawnCoordinator(ctx, id);
  else if (ctx.config.workers.includes(id)) await spawnWorker(ctx, id);
  else {
    throw new AgentsError(
      'INVALID_TEAM',
      `team ${ctx.config.team} has no member ${id}; members are ${[...ctx.config.workers, ...ctx.config.coordinators].join(', ')}`,
    );
  }
}
