import { randomBytes } from 'node:crypto';
import type { FreshTeam, NatsConnection } from '@llm-teams/broker';
import {
  systemClock,
  type ActorHostOptions,
  type Clock,
  type DeliveryGate,
  type HostStats,
  type MessageInterceptor,
  type SharedStateGate,
  type TraceSink,
} from '@llm-teams/runtime';
import { AgentsError } from '../agents-error.js';
import {
  checkModelCredentials,
  hasUsageLimits,
  type ModelClientOptions,
  type UsageBudget,
  type UsageLimits,
  type UsageSummary,
} from '../models/index.js';
import { claimMembers, type MemberClaim } from '../team/member-claims.js';
import { RUN_CONFIG_KEY } from '../team/team-join.js';
import {
  announceRunEnd,
  runningTeam,
  watchBudget,
  type RunningTeam,
  type TeamRunStatus,
} from '../team/run-director.js';
import { memberModel, runModel } from './defined-member-model.js';
import { openDefinedTeam, type DefinedRunConfig, type DefinedTeam } from './defined-team-open.js';
import type { BoardEntry } from '../team-state/task-board.js';
import { awaitDefinedEnd, seedRun, sendStart, type EndMessage } from './defined-run-phases.js';
import { heardMembers } from './heard-members.js';
import { defineTeam, DIRECTOR, teamView, type TeamDefinition } from './team-definition.js';

export interface DefinedTeamRunOptions {
  nc: NatsConnection;
  definition: TeamDefinition;
  /** The team's directory: member models' `script:` paths and `ctx.dir`. */
  dir?: string;
  /** A digest of the team's source: a joining node with another source is refused. */
  digest?: string;
  /** The running team's name on NATS. Default: the definition's name. */
  team?: string;
  prefix?: string;
  seed: number | string;
  /** The model members use unless they name one. Default: the definition's, else the
   *  default simulated model. */
  model?: string;
  /** Real ms per model ms. Default 0.01. */
  timeScale?: number;
  /** Real-time limit. Default: the definition's `end.deadlineMs`, else 600000. */
  deadlineMs?: number;
  trace?: TraceSink;
  node?: string;
  /** A budget kept by this process only (`usageLimits.budget` is the whole team's). */
  budget?: UsageBudget;
  /** Team-wide limits — a budget and per-provider rates — kept in the team's `limits` KV
   *  bucket and enforced by every process of the team (nodes read them from the run's
   *  configuration). Past the budget the run stops with status `budget`. */
  usageLimits?: UsageLimits;
  /** Envelope signing (and the inbox subscription) of this process's host: `run --auth`. */
  hostOptions?: Pick<ActorHostOptions, 'signing' | 'inboxSubscription'>;
  /** Claim the local members in the board bucket (a member is live in one place at a time:
   *  a second process hosting one is refused). Default: true unless a schedule gates the
   *  run (`deliveryGate` / `sharedStateGate`). */
  claims?: boolean;
  modelOptions?: Partial<ModelClientOptions>;
  interceptor?: MessageInterceptor;
  replicas?: number;
  storage?: 'file' | 'memory';
  /** A new team's buckets, under a schedule (`TeamResourcesOptions.fresh`): nothing listed,
   *  and the caller told which buckets were created. */
  fresh?: FreshTeam;
  durable?: ActorHostOptions['durable'];
  clock?: Clock;
  /** A member's own clock (`ctx.clock`, its model's, its board's). Default: `clock`. */
  memberClock?: (member: string) => Clock | undefined;
  deliveryGate?: DeliveryGate;
  sharedStateGate?: SharedStateGate;
  /** Called once the team is up (fault triggers, tests). */
  onStarted?: (team: RunningTeam) => void | Promise<void>;
  /** Called once the run's end is decided, before `run.end` (`TeamRunOptions.onEnding`). */
  onEnding?: () => void | Promise<void>;
  /** Members hosted here (default all); the others join from `startTeamNode` processes. */
  localMembers?: string[];
  /** How long to wait for the other processes' members. Default 60000. */
  joinTimeoutMs?: number;
}

export interface DefinedTeamResult {
  status: TeamRunStatus;
  reason?: string;
  /** The running team's name. */
  team: string;
  /** The definition's name. */
  name: string;
  members: string[];
  model: string;
  seed: string;
  timeScale: number;
  wallMs: number;
  /** Who sent the end message, and its `result`. */
  endedBy?: string;
  output?: unknown;
  /** The board at the end (teams with a board). */
  tasks: { id: string; status: string; owner?: string; claims: number }[];
  usage: UsageSummary;
  hostStats: HostStats;
}

/**
 * Runs a team of your own to its end: the end message, the board done or every member
 * stopped (as `end` says), a failure, the budget, or the deadline. By default every member
 * lives in this process; with `localMembers`, the others join from `startTeamNode` processes
 * (`llm-teams node --team <dir>`), which read the run's configuration from the team's KV.
 */
export async function runDefinedTeam(options: DefinedTeamRunOptions): Promise<DefinedTeamResult> {
  const definition = defineTeam(options.definition);
  const clock = options.clock ?? systemClock;
  const seed = String(options.seed);
  const members = Object.keys(definition.members);
  const local = options.localMembers ?? members;
  for (const m of local)
    if (!members.includes(m))
      throw new AgentsError(
        'INVALID_TEAM',
        `local member ${m} is not in team ${definition.name} (${members.join(', ')})`,
      );
  const model = runModel(definition, options.model, options.dir);
  const env = options.modelOptions?.env ?? process.env;
  for (const m of new Set(
    members.map((id) => memberModel(definition.members[id]!.model, model, options.dir)),
  ))
    checkModelCredentials(m, env);
  const team = options.team ?? definition.name;
  const started = clock.now();
  const config: DefinedRunConfig = {
    kind: 'defined',
    team,
    ...(options.prefix ? { prefix: options.prefix } : {}),
    name: definition.name,
    ...(options.digest ? { digest: options.digest } : {}),
    members,
    model,
    seed,
    timeScale: options.timeScale ?? 0.01,
    runStartMs: started,
    ...(hasUsageLimits(options.usageLimits) ? { usageLimits: options.usageLimits } : {}),
  };
  const open = await openDefinedTeam({
    nc: options.nc,
    definition,
    config,
    dir: options.dir,
    clock,
    ...(options.memberClock ? { memberClock: options.memberClock } : {}),
    join: false,
    ...(options.localMembers ? { idScope: [DIRECTOR, ...options.localMembers] } : {}),
    node: options.node,
    trace: options.trace,
    replicas: options.replicas,
    storage: options.storage,
    fresh: options.fresh,
    modelOptions: options.modelOptions,
    interceptor: options.interceptor,
    durable: options.durable,
    deliveryGate: options.deliveryGate,
    sharedStateGate: options.sharedStateGate,
    budget: options.budget,
    hostOptions: options.hostOptions,
  });
  let claims: MemberClaim[] = [];
  try {
    if (await open.boardKv.get(RUN_CONFIG_KEY).catch(() => null)) {
      throw new AgentsError(
        'INVALID_TEAM',
        `a run of team ${team} already exists on this NATS server: give this one another name (--name)`,
      );
    }
    // A member is live in one place at a time: the run claims those it hosts, as a node does.
    if (options.claims ?? (!options.deliveryGate && !options.sharedStateGate))
      claims = await claimMembers({
        kv: open.boardKv,
        members: local,
        node: open.host.node,
        host: randomBytes(6).toString('hex'),
        clock,
        onLost: (id) => void open.host.actor(id)?.stop(),
      });
    return await runOpened(options, definition, config, open, local, started, clock);
  } finally {
    await open.close();
    await Promise.all(claims.map((c) => c.release()));
  }
}

/** Waits (up to the join timeout) to hear the members hosted elsewhere, and traces who was. */
async function joinRemote(
  options: DefinedTeamRunOptions,
  open: DefinedTeam,
  remote: readonly string[],
  clock: Clock,
): Promise<void> {
  const director = open.host.actor(DIRECTOR)!;
  const joined = await heardMembers(
    options.nc,
    open.host.subjects.heartbeatWildcard,
    remote,
    options.joinTimeoutMs ?? 60_000,
    clock,
  );
  director.runtime.record({
    kind: 'mark',
    name: 'run.joined',
    joined,
    missing: remote.filter((m) => !joined.includes(m)),
  });
}

/** The run's result from its end, the end message and the board at the end. */
function definedResult(
  definition: TeamDefinition,
  config: DefinedRunConfig,
  open: DefinedTeam,
  end: {
    status: TeamRunStatus;
    reason: string | undefined;
    ended: EndMessage | undefined;
    wallMs: number;
    final: BoardEntry[];
  },
): DefinedTeamResult {
  const { status, reason, ended } = end;
  const hostStats = { ...open.host.stats };
  const output = (ended?.body as { result?: unknown } | undefined)?.result;
  return {
    status,
    ...(reason ? { reason } : {}),
    team: config.team,
    name: definition.name,
    members: config.members,
    model: config.model,
    seed: config.seed,
    timeScale: config.timeScale,
    wallMs: end.wallMs,
    ...(ended ? { endedBy: ended.from } : {}),
    ...(output !== undefined ? { output } : {}),
    tasks: end.final
      .map((e) => ({
        id: e.id,
        status: e.status,
        ...(e.owner ? { owner: e.owner } : {}),
        claims: e.claims,
      }))
      .sort((a, b) => (a.id < b.id ? -1 : 1)),
    usage: open.ledger.summary(),
    hostStats,
  };
}

async function runOpened(
  options: DefinedTeamRunOptions,
  definition: TeamDefinition,
  config: DefinedRunConfig,
  open: DefinedTeam,
  local: string[],
  started: number,
  clock: Clock,
): Promise<DefinedTeamResult> {
  const { host } = open;
  const members = config.members;
  const tasks = definition.board?.tasks ?? [];
  await seedRun(open, definition, config);
  await open.spawnDirector(definition.end?.message ?? 'team.done');
  const director = host.actor(DIRECTOR)!;
  const remote = members.filter((m) => !local.includes(m));
  director.runtime.record({
    kind: 'mark',
    name: 'run.start',
    team: definition.name,
    members: teamView(definition).members,
    model: config.model,
    seed: config.seed,
    timeScale: config.timeScale,
    ...(tasks.length > 0 ? { tasks: tasks.map((t) => ({ id: t.id, deps: t.deps ?? [] })) } : {}),
    ...(remote.length > 0 ? { remote } : {}),
  });
  const budget = watchBudget(open.ledger, director);
  if (remote.length > 0) await joinRemote(options, open, remote, clock);
  // Members elsewhere join first (they read the configuration just published), so the
  // team starts whole rather than with the members that happen to be local.
  for (const id of local) await open.spawnMember(id);
  await options.onStarted?.(
    runningTeam({
      team: config.team,
      host,
      director,
      workers: members,
      coordinators: [],
      respawn: open.respawn,
    }),
  );
  sendStart(director, definition);
  const { status, reason, ended } = await awaitDefinedEnd(open, definition, {
    local,
    started,
    deadlineMs: options.deadlineMs ?? definition.end?.deadlineMs ?? 600_000,
    clock,
    stop: budget.stop,
  });
  const wallMs = clock.now() - started;
  budget.off();
  // Before run.end: under a schedule the director's reads are steps, and none is taken after.
  const final = tasks.length > 0 ? [...(await open.board.all()).values()].map((v) => v.entry) : [];
  await options.onEnding?.();
  await announceRunEnd(director, open.boardKv, {
    status,
    reason,
    wallMs,
    remote: remote.length > 0,
  });
  return definedResult(definition, config, open, { status, reason, ended, wallMs, final });
}
