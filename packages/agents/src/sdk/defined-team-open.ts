import { AsyncLocalStorage } from 'node:async_hooks';
import { assign, setup } from 'xstate';
import { type KV } from '@llm-teams/broker';
import {
  createRandom,
  type ActorHost,
  type ActorHostOptions,
  type Clock,
  type MessageEvent,
  type SharedStateGate,
  type TraceDetail,
} from '@llm-teams/runtime';
import { AgentsError } from '../agents-error.js';
import { llmTraceDetailOf, llmTraceOf } from '../models/attempt-trace.js';
import {
  createModelClient,
  type ModelClient,
  type ModelClientOptions,
  type UsageLedger,
  type UsageLimits,
} from '../models/index.js';
import { memberModel } from './defined-member-model.js';
import { createTaskBoardProtocol } from '../protocols/task-board-protocol.js';
import {
  openTeamHost,
  openTeamParts,
  openTeamUsage,
  type TeamOpeningOptions,
} from '../team/team-opening.js';
import { createTaskBoard, type TaskBoard } from '../team-state/task-board.js';
import { createWorkspaceStore, type WorkspaceStore } from '../team-state/workspace-store.js';
import {
  DIRECTOR,
  teamView,
  type BoardTask,
  type MemberContext,
  type TeamDefinition,
} from './team-definition.js';

/** What every process of a defined team agrees on (`run.config` in the board bucket). */
export interface DefinedRunConfig {
  kind: 'defined';
  /** The running team's name on NATS. */
  team: string;
  prefix?: string;
  /** The definition's name, and a digest of its source when the run had one. */
  name: string;
  digest?: string;
  members: string[];
  /** The model members use unless they name their own. */
  model: string;
  seed: string;
  timeScale: number;
  runStartMs: number;
  /** Team-wide budget and rates (docs/limits.md), enforced by every process through the
   *  team's `limits` bucket. */
  usageLimits?: UsageLimits;
}

export function isDefinedRunConfig(config: unknown): config is DefinedRunConfig {
  return (config as { kind?: unknown } | undefined)?.kind === 'defined';
}

export interface OpenDefinedTeamOptions extends TeamOpeningOptions {
  definition: TeamDefinition;
  config: DefinedRunConfig;
  dir: string | undefined;
  /** A member's own clock (`ctx.clock`, its model's, its board's), e.g. one a schedule's
   *  `jump` fault puts ahead of the others. Default: `clock`. */
  memberClock?: ((member: string) => Clock | undefined) | undefined;
  /** Join resources another process provisioned (nodes). */
  join: boolean;
  modelOptions?: Partial<ModelClientOptions> | undefined;
  /** Envelope signing and the host's inbox subscription (`run --auth`, `node --auth`). */
  hostOptions?: Pick<ActorHostOptions, 'signing' | 'inboxSubscription'> | undefined;
}

/** This process's part of a defined team. */
export interface DefinedTeam {
  host: ActorHost;
  boardKv: KV;
  board: TaskBoard;
  workspace: WorkspaceStore;
  /** The workspace outside any schedule: for the files a run starts with, written before a
   *  schedule starts taking steps. */
  setupWorkspace: WorkspaceStore;
  ledger: UsageLedger;
  tasks: ReadonlyMap<string, BoardTask>;
  /** Spawns a member (remembered for restarts). */
  spawnMember(id: string): Promise<void>;
  /** Spawns the director, which records the run's marks and receives its end. */
  spawnDirector(endType: string): Promise<void>;
  respawn: Map<string, () => Promise<unknown>>;
  close(): Promise<void>;
}

/** The delivery modes of a defined team: `reliable` types and the end message at least once. */
export function definedDelivery(definition: TeamDefinition) {
  const endType = definition.end?.message ?? 'team.done';
  const types = [...(definition.reliable ?? []), endType];
  return { types: Object.fromEntries(types.map((t) => [t, 'at-least-once' as const])) };
}

/**
 * Opens this process's part of a defined team: its JetStream resources (created, or joined),
 * the board and workspace, a usage ledger, and one actor host; members are spawned with
 * `spawnMember`, each with its own `MemberContext`.
 */
export async function openDefinedTeam(options: OpenDefinedTeamOptions): Promise<DefinedTeam> {
  const { config, definition, clock, dir } = options;
  const resources = await openTeamParts(options);
  const boardKv = await resources.bucket('board');
  const filesKv = await resources.bucket('files');
  const tasks = new Map((definition.board?.tasks ?? []).map((t) => [t.id, t]));
  const gated = options.sharedStateGate;
  // Operations made inside a member's `external` step are part of that step (the schedule
  // waits for it to finish, so they cannot wait for a turn of their own).
  const insideStep = new AsyncLocalStorage<string>();
  const gateOf = (actor: string): SharedStateGate | undefined =>
    gated &&
    ((op, run) => (insideStep.getStore() === actor ? run() : gated({ ...op, actor }, run)));
  const external = <T>(actor: string, what: string, run: () => Promise<T>): Promise<T> =>
    gated
      ? gated({ store: 'external', op: 'call', key: what.replace(/\s+/g, '_'), actor }, () =>
          insideStep.run(actor, run),
        )
      : run();
  // Under a schedule every message is a core delivery the gate holds, as in the built-in
  // teams: JetStream's persistence and redelivery are not scheduled (a redelivery is a
  // schedule fault), so members get no durable inboxes either.
  const scheduled = options.deliveryGate !== undefined;
  const taskIds = [...tasks.keys()];
  // Requests that fail while a broker fails over are retried, not turned into tool errors.
  const retry = { clock, random: createRandom(config.seed).fork('kv-retry') };
  const boardOf = (actor: string) =>
    createTaskBoard(boardKv, { taskIds, ...(gated ? { gate: gateOf(actor) } : { retry }) });
  const workspaceOf = (actor: string) =>
    createWorkspaceStore(filesKv, gated ? { gate: gateOf(actor), fastKeys: true } : { retry });
  const host = await openTeamHost(options, resources, definedDelivery(definition));
  const { ledger, limiter } = await openTeamUsage(options, () => resources.bucket('limits'));
  const random = createRandom(config.seed);
  const view = teamView(definition);
  const models: ModelClient[] = [];
  const closers: (() => void | Promise<void>)[] = [];
  const respawn = new Map<string, () => Promise<unknown>>();
  // Events a member records while it is being spawned (its first model call may settle
  // before the host lists it), or restarted, wait for it instead of being lost.
  const early = new Map<
    string,
    [Parameters<MemberContext['record']>[0], TraceDetail | undefined][]
  >();
  const spawn: ActorHost['spawn'] = (id, logic, spawnOptions) => {
    const again = async () => {
      const handle = await host.spawn(id, logic, spawnOptions);
      const waiting = early.get(id) ?? [];
      early.delete(id);
      for (const [p, detail] of waiting) handle.runtime.record(p, detail);
      return handle;
    };
    respawn.set(id, again);
    return again();
  };
  const reliable = (definition.reliable ?? []).length > 0;

  function memberContext(id: string): MemberContext {
    const def = definition.members[id]!;
    const model = memberModel(def.model, config.model, dir);
    const own = options.memberClock?.(id) ?? clock;
    const record = (p: Parameters<MemberContext['record']>[0], detail?: TraceDetail) => {
      const actor = host.actor(id);
      if (actor) actor.runtime.record(p, detail);
      else early.set(id, [...(early.get(id) ?? []), [p, detail]]);
    };
    const board = boardOf(id);
    return {
      id,
      role: def.role,
      team: view,
      model,
      createModel(modelId = model) {
        const client = createModelClient(modelId, {
          seed: config.seed,
          clock: own,
          timeScale: config.timeScale,
          ledger,
          team: config.team,
          ...options.modelOptions,
          ...(limiter ? { limiter } : {}),
          onAttempt: (r, content) => {
            record(llmTraceOf(r), llmTraceDetailOf(content));
            options.modelOptions?.onAttempt?.(r, content);
          },
        });
        models.push(client);
        // Under a schedule each call is a step: when replies come back is the order a real
        // team's members see, and no member acts before the schedule starts (an `onStart`
        // job's first call waits, so its messages find every member up). Model time must not
        // pass inside a step (the schedule waits for the step, time waits for the schedule):
        // with a time scale above 0 calls are not steps.
        return gated && config.timeScale === 0
          ? {
              id: client.id,
              call: (request, callOptions) =>
                external(id, 'model', () => client.call(request, callOptions)),
              close: () => client.close(),
            }
          : client;
      },
      board: definition.board
        ? createTaskBoardProtocol({
            board,
            agentId: id,
            now: () => own.now(),
            leaseMs: definition.board.leaseMs ?? 30_000,
            record,
          })
        : undefined,
      tasks,
      workspace: workspaceOf(id),
      random: random.fork(`member/${id}`),
      clock: own,
      timeScale: config.timeScale,
      record,
      dir,
      onClose: (close) => closers.push(close),
      external: (what, run) => external(id, what, run),
    };
  }

  return {
    host,
    boardKv,
    board: boardOf(DIRECTOR),
    workspace: workspaceOf(DIRECTOR),
    setupWorkspace: createWorkspaceStore(filesKv, { retry }),
    ledger,
    tasks,
    respawn,
    async spawnMember(id) {
      const def = definition.members[id];
      if (!def) {
        throw new AgentsError(
          'INVALID_TEAM',
          `team ${definition.name} has no member ${id}; members are ${Object.keys(definition.members).join(', ')}`,
        );
      }
      const ctx = memberContext(id);
      const logic = typeof def.logic === 'function' ? await def.logic(ctx) : def.logic;
      await spawn(id, logic, {
        input: def.input
          ? def.input(ctx)
          : { id, role: def.role, team: { name: view.name, members: view.members } },
        durable: !scheduled && (def.durable ?? reliable),
        topics: def.topics ?? ['team'],
        heartbeat: { intervalMs: 100 },
      });
    },
    async spawnDirector(endType) {
      const director = setup({
        types: {
          context: {} as { end: { from: string; body: unknown } | undefined },
          events: {} as MessageEvent<string, unknown>,
        },
      }).createMachine({
        context: { end: undefined },
        on: {
          [endType]: {
            actions: assign({
              end: ({ context, event }) =>
                context.end ?? { from: event.envelope.from, body: event.body },
            }),
          },
        },
      });
      await host.spawn(DIRECTOR, director, { durable: !scheduled });
    },
    async close() {
      await host.flush().catch(() => undefined);
      await host.close();
      for (const c of closers.splice(0)) await Promise.resolve(c()).catch(() => undefined);
      await Promise.all(models.map((m) => m.close()));
    },
  };
}
