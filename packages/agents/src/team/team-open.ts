import { type KV } from '@llm-teams/broker';
import { createRandom, type Clock, type SharedStateGate } from '@llm-teams/runtime';
import { type ModelClientOptions } from '../models/index.js';
import { createTaskBoard } from '../team-state/task-board.js';
import {
  openTeamHost,
  openTeamParts,
  openTeamUsage,
  type TeamOpeningOptions,
} from './team-opening.js';
import { createTestRunner, type TestRunner } from '../test-runner/test-runner.js';
import { createWorkspaceStore } from '../team-state/workspace-store.js';
import { longestPathToEnd } from '../task-dag.js';
import { isRoundsArch } from '../agent/agent-prompt.js';
import { TEAM_DELIVERY, type TeamContext, type TeamRunConfig } from './team-members.js';

export interface OpenTeamOptions extends TeamOpeningOptions {
  config: TeamRunConfig;
  modelOptions?: Partial<ModelClientOptions> | undefined;
  testRunner?: TestRunner | undefined;
  unsafeSharedState?: { board?: boolean; files?: boolean } | undefined;
  /** A member's own clock (`TeamContext.clockOf`). Default: `clock` for every member. */
  memberClock?: ((member: string) => Clock | undefined) | undefined;
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

/**
 * Opens this process's part of a team: the team's JetStream resources (created if missing),
 * the shared board and workspace, a test runner, a usage ledger and one actor host.
 */
export async function openTeam(options: OpenTeamOptions): Promise<OpenTeam> {
  const { config, clock } = options;
  const resources = await openTeamParts(options);
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
  const host = await openTeamHost(options, resources, TEAM_DELIVERY);
  const runner = options.testRunner ?? createTestRunner({ concurrency: 2 });
  const { ledger, limiter } = await openTeamUsage(options, () => resources.bucket('limits'));
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
