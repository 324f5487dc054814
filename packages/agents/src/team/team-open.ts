import { openTeamResources, provisionTeam, type KV, type NatsConnection } from '@llm-teams/broker';
import {
  createActorHost,
  createIdGenerator,
  createKvSnapshotStore,
  createRandom,
  type ActorHost,
  type ActorHostOptions,
  type Clock,
  type DeliveryGate,
  type MessageInterceptor,
  type SharedStateGate,
  type TraceSink,
} from '@llm-teams/runtime';
import { createUsageLedger, type ModelClientOptions, type UsageBudget } from '../models/index.js';
import { createTaskBoard } from '../shared/task-board.js';
import { createTestRunner, type TestRunner } from '../shared/test-runner.js';
import { createWorkspaceStore } from '../shared/workspace-store.js';
import { longestPathToEnd } from './dag.js';
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
  /** Join resources another process provisioned, changing nothing (nodes). Default false. */
  join?: boolean | undefined;
}

export interface OpenTeam extends TeamContext {
  boardKv: KV;
  /** How each actor was spawned, so a killed one can be spawned again. */
  respawn: Map<string, () => Promise<unknown>>;
  /** Stops the host and closes what this process opened for the team. */
  close(): Promise<void>;
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
        replicas: options.replicas ?? 1,
        ...(options.storage ? { storage: options.storage } : {}),
      });
  const boardKv = await resources.bucket('board');
  const filesKv = await resources.bucket('files');
  const taskIds = config.suite.tasks.map((t) => t.id);
  const unsafeWrites = options.unsafeSharedState?.board === true;
  const unsafeFiles = options.unsafeSharedState?.files === true;
  const board = createTaskBoard(boardKv, { unsafeWrites, taskIds });
  const workspace = createWorkspaceStore(filesKv, { unsafeWrites: unsafeFiles });
  // Under a schedule, each actor's operations are its own steps, so each gets its own view.
  const gated = options.sharedStateGate;
  const gateOf = (actor: string): SharedStateGate | undefined =>
    gated && ((op, run) => gated({ ...op, actor }, run));
  const host: ActorHost = await createActorHost({
    nc: options.nc,
    team: config.team,
    ...(config.prefix ? { prefix: config.prefix } : {}),
    ...(options.node ? { node: options.node } : {}),
    clock,
    seed: config.seed,
    ...(options.idScope
      ? {
          ids: createIdGenerator({
            random: createRandom(config.seed).fork(`ids:${[...options.idScope].sort().join(',')}`),
          }),
        }
      : {}),
    ...(options.trace ? { trace: options.trace } : {}),
    delivery: TEAM_DELIVERY,
    snapshots: createKvSnapshotStore(await resources.bucket('snapshots')),
    ...(options.interceptor ? { interceptor: options.interceptor } : {}),
    ...(options.durable ? { durable: options.durable } : {}),
    ...(options.deliveryGate ? { deliveryGate: options.deliveryGate } : {}),
    supervision: TEAM_SUPERVISION,
  });
  const runner = options.testRunner ?? createTestRunner({ concurrency: 2 });
  const respawn = new Map<string, () => Promise<unknown>>();
  const ctx: OpenTeam = {
    config,
    nc: options.nc,
    host,
    clock,
    random: createRandom(config.seed),
    tasks: new Map(config.suite.tasks.map((t) => [t.id, t])),
    priority: longestPathToEnd(config.suite.tasks),
    // Listing keys by stream info: one step of one round trip instead of a consumer.
    boardOf: (actor) =>
      gated
        ? createTaskBoard(boardKv, { gate: gateOf(actor), unsafeWrites, fastKeys: true })
        : board,
    workspaceOf: (actor) =>
      gated
        ? createWorkspaceStore(filesKv, {
            gate: gateOf(actor),
            unsafeWrites: unsafeFiles,
            fastKeys: true,
          })
        : workspace,
    leases: await resources.bucket('leases'),
    runner,
    ledger: createUsageLedger({ ...(options.budget ? { budget: options.budget } : {}) }),
    modelOptions: options.modelOptions,
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
    },
  };
  return ctx;
}
