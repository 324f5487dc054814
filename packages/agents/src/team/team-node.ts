import { openTeamResources, type NatsConnection } from '@llm-teams/broker';
import {
  systemClock,
  type ActorHostOptions,
  type Clock,
  type MessageInterceptor,
  type TraceSink,
} from '@llm-teams/runtime';
import { AgentsError } from '../agents-error.js';
import type { TeamNode } from './team-node-handle.js';
import type { ModelClientOptions } from '../models/index.js';
import { spawnMember } from './team-members.js';
import { openTeam, type OpenTeam } from './team-open.js';
import { readRunConfig } from './team-runner.js';
import { claimedIdScope, claimNodeMembers, type MemberClaimValue } from './member-claims.js';
import { waitForRunStart, whenMembersFinished } from './team-join.js';
import { isDefinedRunConfig } from '../sdk/defined-team-open.js';
import { startDefinedTeamNode } from '../sdk/defined-team-node.js';
import type { TeamDefinition } from '../sdk/team-definition.js';

export interface TeamNodeOptions {
  nc: NatsConnection;
  team: string;
  prefix?: string;
  /** Members to host here (worker ids like `a2`, or coordinators `coord1` / `coord2`). */
  members: string[];
  /** This process's name in the trace. Default `node-<pid>`. */
  node?: string;
  trace?: TraceSink;
  modelOptions?: Partial<ModelClientOptions>;
  /** How long to wait for the run to publish its configuration. Default 60000. */
  joinTimeoutMs?: number;
  clock?: Clock;
  /** A team of your own: its definition (the run's `team.ts`), its directory and the digest
   *  of its source. Required when the run is of a definition. */
  definition?: TeamDefinition;
  dir?: string;
  digest?: string;
  /** Envelope signing and the host's inbox subscription (`OpenTeamOptions.hostOptions`). */
  hostOptions?: Pick<ActorHostOptions, 'signing' | 'inboxSubscription'>;
  /** A member here is claimed by a process that may be dead: waiting `ttlMs` to see. */
  onClaimWait?: (holder: MemberClaimValue, ttlMs: number) => void;
  /** A member here was taken over by another process (it is stopped here). */
  onClaimLost?: (member: string, by: MemberClaimValue | undefined) => void;
  /** Message-level fault injection on this node's host. Default: none. */
  interceptor?: MessageInterceptor;
}

export type { TeamNode } from './team-node-handle.js';

function assertMembers(options: TeamNodeOptions, known: readonly string[]): void {
  const unknown = options.members.filter((m) => !known.includes(m));
  if (unknown.length > 0) {
    throw new AgentsError(
      'INVALID_TEAM',
      `team ${options.team} has no member ${unknown.join(', ')}; members are ${known.join(', ')}`,
    );
  }
}

/** The definition a run of one needs from the node's options. */
function definitionOf(options: TeamNodeOptions, config: { name: string }): TeamDefinition {
  if (options.definition) return options.definition;
  throw new AgentsError(
    'INVALID_TEAM',
    `team ${options.team} runs the team definition ${config.name}: host its members with its directory (node --team <dir>)`,
  );
}

/**
 * Hosts some members of a running team in this process: reads the run's configuration from
 * the team's KV, opens the shared state, and spawns the members, which then work like any
 * other (messages cross NATS whatever process their peer is in). A member that joins late
 * finds its at-least-once inbox waiting; one that rejoins after a crash resumes from its
 * checkpoint.
 */
export async function startTeamNode(options: TeamNodeOptions): Promise<TeamNode> {
  const clock = options.clock ?? systemClock;
  const started = clock.now();
  const joinTimeoutMs = options.joinTimeoutMs ?? 60_000;
  // Joining changes nothing of the team's resources: the run provisioned them.
  const resources = await openTeamResources(options.nc, {
    team: options.team,
    ...(options.prefix ? { prefix: options.prefix } : {}),
    timeoutMs: joinTimeoutMs,
  });
  const config = await readRunConfig(
    await resources.bucket('board'),
    Math.max(1, joinTimeoutMs - (clock.now() - started)),
    clock,
  );
  if (isDefinedRunConfig(config))
    return startDefinedTeamNode({
      ...options,
      config,
      definition: definitionOf(options, config),
      clock,
      joinTimeoutMs,
    });
  assertMembers(options, [...config.workers, ...config.coordinators]);
  // A member is live in one place at a time: claim each before anything starts.
  const boardKv = await resources.bucket('board');
  const node = options.node ?? `node-${process.pid}`;
  let ctx: OpenTeam | undefined;
  const claims = await claimNodeMembers({
    ...options,
    kv: boardKv,
    node,
    clock,
    stop: (member) => void ctx?.host.actor(member)?.stop(),
  });
  const releaseAll = () => Promise.all(claims.map((c) => c.release()));
  let closed = false;
  // Read once, when the coordinators or the first agent to pace need it.
  let runStarted: Promise<number | undefined> | undefined;
  const runStart = () =>
    (runStarted ??= waitForRunStart(boardKv, () => closed, config.runStartMs, clock));
  try {
    ctx = await openTeam({
      nc: options.nc,
      config,
      clock,
      node,
      idScope: claimedIdScope(claims),
      trace: options.trace,
      modelOptions: options.modelOptions,
      interceptor: options.interceptor,
      join: true,
      hostOptions: options.hostOptions,
      // This node's members start before the run does (they must be heard to have joined): model
      // time begins when the director writes run.started.
      runStarted: async () => (await runStart()) ?? config.runStartMs,
    });
    for (const id of options.members)
      if (!config.coordinators.includes(id)) await spawnMember(ctx, id);
    // Coordinators start once the run has started (every member joined): a coordinator
    // starting earlier would suspect workers that are still starting.
    const coordinators = options.members.filter((id) => config.coordinators.includes(id));
    if (coordinators.length > 0 && (await runStart()) !== undefined) {
      for (const id of coordinators) await spawnMember(ctx, id);
    }
  } catch (err) {
    await ctx?.close();
    await releaseAll();
    throw err;
  }
  const team = ctx;
  const finished = whenMembersFinished(team, options.members, clock, () => closed);
  return {
    team: options.team,
    members: options.members,
    finished,
    actor: (id) => (options.members.includes(id) ? ctx.host.actor(id) : undefined),
    kill: async (id) => {
      await ctx.host.actor(id)?.stop();
    },
    restart: async (id) => {
      const again = ctx.respawn.get(id);
      if (again && !ctx.host.actor(id)) await again();
    },
    async close() {
      if (closed) return;
      closed = true;
      await team.close();
      await releaseAll();
    },
  };
}
