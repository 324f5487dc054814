import {
  clusterReplicas,
  openTeamResources,
  provisionTeam,
  type KV,
  type NatsConnection,
  type TeamResources,
} from '@llm-teams/broker';
import {
  createActorHost,
  createIdGenerator,
  createKvSnapshotStore,
  createRandom,
  type ActorHost,
  type ActorHostOptions,
  type Clock,
  type DeliveryGate,
  type IdGenerator,
  type MessageInterceptor,
  type SharedStateGate,
  type TraceSink,
} from '@llm-teams/runtime';
import {
  createKvUsageLimiter,
  createUsageLedger,
  hasUsageLimits,
  type ModelClientOptions,
  type UsageBudget,
} from '../models/index.js';
import { createTaskBoard } from '../team-state/task-board.js';
import { createTestRunner, type TestRunner } from '../test-runner/test-runner.js';
import { createWorkspaceStore } from '../team-state/workspace-store.js';
import { longestPathToEnd } from '../task-dag.js';
import { isRoundsArch } from '../agent/agent-prompt.js';
import {
  TEAM_DELIVERY,
  TEAM_SUPERVISION,
  type TeamContext,
  type TeamRunConfig,
} from './team-members.js';

export interface OpenTeamOptions {
  nc: NatsConnection;
  config: TeamRunConfig;
  clock: Clock;
  node?: string | undefined;
  /** The members this process hosts, when others host the rest. Envelope ids are drawn from
   *  the run's seed; processes of one team must not draw the same ones (JetStream would drop
   *  one process's message as a duplicate of another's), so each forks its id source by the
   *  members it hosts — disjoint across processes and the same in every rerun. Default: the
   *  seed alone (every member in this process). */
  idScope?: readonly string[] | undefined;
  trace?: TraceSink | undefined;
  replicas?: number | undefined;
  storage?: 'file' | 'memory' | undefined;
  modelOptions?: Partial<ModelClientOptions> | undefined;
  testRunner?: TestRunner | undefined;
  interceptor?: MessageInterceptor | undefined;
  durable?: ActorHostOptions['durable'] | undefined;
  deliveryGate?: DeliveryGate | undefined;
  sharedStateGate?: SharedStateGate | undefined;
  unsafeSharedState?: { board?: boolean; files?: boolean } | undefined;
  budget?: UsageBudget | undefined;
  /** A member's own clock (`TeamContext.clockOf`). Default: `clock` for every member. */
  memberClock?: ((member: string) => Clock | undefined) | undefined;
  /** Join resources another process provisioned, changing nothing (nodes). Default false. */
  join?: boolean | undefined;
  /** Envelope signing and how the host subscribes (per actor under member credentials that
   *  may not read the team's inbox wildcard; docs/security.md). Default: neither. */
  hostOptions?: Pick<ActorHostOptions, 'signing' | 'inboxSubscription' | 'dedupWindow'> | undefined;
  /** The origin of model time, once the run has started (TeamContext.runStarted). Default:
   *  the configuration's `runStartMs`. */
  runStarted?: (() => Promise<number>) | undefined;
}

export interface OpenTeam extends TeamContext {
  boardKv: KV;
  /** How each actor was spawned, so a killed one can be spawned again. */
  respawn: Map<string, () => Promise<unknown>>;
  /** Stops the host and closes what this process opened for the team. */
  close(): Promise<void>;
}

/** This process's actor host for the team: its ids, trace, delivery and supervision. */
async function openTeamHost(
  options: OpenTeamOptions,
  resources: TeamResources,
): Promise<ActorHost> {
  const { config, clock } = options;
  return createActorHost({
    nc: options.nc,
    team: config.team,
    ...(config.prefix ? { prefix: config.prefix } : {}),
    ...(options.node ? { node: options.node } : {}),
    clock,
    seed: config.seed,
    ...scopedIds(config.seed, options.idScope),
    ...(options.trace ? { trace: options.trace } : {}),
    // Under a schedule every message is a core delivery the gate holds (JetStream's
    // persistence and redelivery are not scheduled; a redelivery is a schedule fault).
    delivery: options.deliveryGate ? {} : TEAM_DELIVERY,
    snapshots: createKvSnapshotStore(await resources.bucket('snapshots')),
    ...(options.interceptor ? { interceptor: options.interceptor } : {}),
    ...(options.durable ? { durable: options.durable } : {}),
    ...(options.deliveryGate ? { deliveryGate: options.deliveryGate } : {}),
    supervision: TEAM_SUPERVISION,
    ...options.hostOptions,
  });
}

/** The process's usage ledger, and the team's limiter (in its `limits` bucket) when the run
 *  has team-wide limits. */
async function openUsage(options: OpenTeamOptions, resources: TeamResources) {
  const { config, clock } = options;
  const budget = config.usageLimits?.budget ?? options.budget;
  const ledger = createUsageLedger({
    ...(budget ? { budget } : {}),
    ...(config.usageLimits?.budget ? { budgetKeptBy: 'team' as const } : {}),
  });
  // The team's limits live in its `limits` bucket, shared by every process of the team: a
  // budget passed on any node stops the team (the ledger's listeners hear of it).
  const limiter = hasUsageLimits(config.usageLimits)
    ? createKvUsageLimiter({
        kv: await resources.bucket('limits'),
        limits: config.usageLimits,
        timeScale: config.timeScale,
        clock,
        prices: ledger.prices,
        onBudgetExceeded: (why) => ledger.noteBudgetExceeded(why),
      })
    : undefined;
  return { ledger, limiter };
}

/**
 * Opens this process's part of a team: the team's JetStream resources (created if missing),
 * the shared board and workspace, a test runner, a usage ledger and one actor host.
 */
export async function openTeam(options: OpenTeamOptions): Promise<OpenTeam> {
  const { config, clock } = options;
  const resources = options.join
    ? await openTeamResources(options.nc, {
        team: config.team,
        ...(config.prefix ? { prefix: config.prefix } : {}),
      })
    : await provisionTeam(options.nc, {
        team: config.team,
        ...(config.prefix ? { prefix: config.prefix } : {}),
        // Default: as many as the cluster holds, at most 3 (1 on a lone server).
        replicas: options.replicas ?? (await clusterReplicas(options.nc)),
        ...(options.storage ? { storage: options.storage } : {}),
        // Under a schedule the team runs in this process alone, one step at a time: its
        // buckets are read from what it wrote, and made when first written; its messages are
        // held core deliveries and its trace is in memory (docs/schedules.md, throughput).
        soleWriter: options.sharedStateGate !== undefined,
        messageStreams: options.deliveryGate === undefined,
      });
  const boardKv = await resources.bucket('board');
  const filesKv = await resources.bucket('files');
  const taskIds = config.suite.tasks.map((t) => t.id);
  // The paper's harness keeps shared state under locks, not compare-and-set: its stores put
  // plainly, and its members take a lock per file and per task around each write (rounds/).
  const locked = isRoundsArch(config.arch);
  const unsafeWrites = locked || options.unsafeSharedState?.board === true;
  const unsafeFiles = locked || options.unsafeSharedState?.files === true;
  // Requests that fail while a broker fails over are retried, not turned into tool errors.
  const retry = { clock, random: createRandom(config.seed).fork('kv-retry') };
  const board = createTaskBoard(boardKv, { unsafeWrites, taskIds, retry });
  const workspace = createWorkspaceStore(filesKv, { unsafeWrites: unsafeFiles, retry });
  // Under a schedule, each actor's operations are its own steps, so each gets its own view.
  const gated = options.sharedStateGate;
  const gateOf = (actor: string): SharedStateGate | undefined =>
    gated && ((op, run) => gated({ ...op, actor }, run));
  const host = await openTeamHost(options, resources);
  const runner = options.testRunner ?? createTestRunner({ concurrency: 2 });
  const { ledger, limiter } = await openUsage(options, resources);
  const respawn = new Map<string, () => Promise<unknown>>();
  const leases = await resources.bucket('leases');
  const ctx: OpenTeam = {
    config,
    ...(options.runStarted ? { runStarted: options.runStarted } : {}),
    nc: options.nc,
    host,
    clock,
    clockOf: (actor) => options.memberClock?.(actor) ?? clock,
    random: createRandom(config.seed),
    tasks: new Map(config.suite.tasks.map((t) => [t.id, t])),
    priority: longestPathToEnd(config.suite.tasks),
    // Listing keys by stream info: one step of one round trip instead of a consumer.
    boardOf: (actor) =>
      gated ? createTaskBoard(boardKv, { gate: gateOf(actor), unsafeWrites, taskIds }) : board,
    workspaceOf: (actor) =>
      gated
        ? createWorkspaceStore(filesKv, {
            gate: gateOf(actor),
            unsafeWrites: unsafeFiles,
            fastKeys: true,
          })
        : workspace,
    leases,
    leasesOf: (actor) => (gated ? gatedKv(leases, 'leases', gateOf(actor)!) : leases),
    durableInboxes: options.deliveryGate === undefined,
    runner,
    ledger,
    modelOptions: limiter ? { ...options.modelOptions, limiter } : options.modelOptions,
    spawn: (id, logic, spawnOptions) => {
      respawn.set(id, () => host.spawn(id, logic, spawnOptions));
      return host.spawn(id, logic, spawnOptions);
    },
    models: [],
    detectors: [],
    boardKv,
    respawn,
    async close() {
      await host.flush().catch(() => undefined);
      for (const d of ctx.detectors) d.close();
      await host.close();
      if (!options.testRunner) await runner.close();
      await Promise.all(ctx.models.map((m) => m.close()));
      await limiter?.close();
    },
  };
  return ctx;
}

/** `kv` whose reads and writes (`get`, `create`, `update`, `put`, `delete`) each wait for the
 *  schedule's turn, as the board's and workspace's do (the lease keeper's bucket). */
function gatedKv(kv: KV, store: string, gate: SharedStateGate): KV {
  const view = Object.create(kv) as KV;
  for (const op of ['get', 'create', 'update', 'put', 'delete'] as const) {
    const original = (kv[op] as (...a: unknown[]) => Promise<unknown>).bind(kv);
    Object.defineProperty(view, op, {
      value: (key: string, ...rest: unknown[]) =>
        gate({ store, op, key }, () => original(key, ...rest)),
    });
  }
  return view;
}

/**
 * The host's id generator when it hosts only some members (`idScope`): drawn from the seed
 * forked by those members, so processes of one team never draw the same ids. Nothing when it
 * hosts the whole team (the host's default generator).
 */
export function scopedIds(
  seed: string,
  idScope: readonly string[] | undefined,
): { ids?: IdGenerator } {
  if (!idScope) return {};
  const random = createRandom(seed).fork(`ids:${[...idScope].sort().join(',')}`);
  return { ids: createIdGenerator({ random }) };
}
