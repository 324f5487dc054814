import { openTeamResources, type NatsConnection } from '@llm-teams/broker';
import type { ActorHostOptions, Clock, MessageInterceptor, TraceSink } from '@llm-teams/runtime';
import { AgentsError } from '../agents-error.js';
import type { ModelClientOptions } from '../models/index.js';
import { whenMembersFinished } from '../team/team-join.js';
import { claimedIdScope, claimNodeMembers, type MemberClaimValue } from '../team/member-claims.js';
import type { TeamNode } from '../team/team-node-handle.js';
import { openDefinedTeam, type DefinedRunConfig, type DefinedTeam } from './defined-team-open.js';
import { defineTeam, type TeamDefinition } from './team-definition.js';

export interface DefinedTeamNodeOptions {
  nc: NatsConnection;
  config: DefinedRunConfig;
  definition: TeamDefinition;
  dir?: string | undefined;
  digest?: string | undefined;
  members: string[];
  node?: string | undefined;
  trace?: TraceSink | undefined;
  modelOptions?: Partial<ModelClientOptions> | undefined;
  clock: Clock;
  joinTimeoutMs: number;
  hostOptions?: Pick<ActorHostOptions, 'signing' | 'inboxSubscription'> | undefined;
  interceptor?: MessageInterceptor | undefined;
  onClaimWait?: ((holder: MemberClaimValue, ttlMs: number) => void) | undefined;
  onClaimLost?: ((member: string, by: MemberClaimValue | undefined) => void) | undefined;
}

/**
 * Hosts some members of a running defined team: the same definition as the run's (checked by
 * name and, when both have one, by the digest of its source), the run's seed and model from
 * its configuration.
 */
export async function startDefinedTeamNode(options: DefinedTeamNodeOptions): Promise<TeamNode> {
  const { config, members } = options;
  const definition = defineTeam(options.definition);
  if (definition.name !== config.name)
    throw new AgentsError(
      'INVALID_TEAM',
      `team ${config.team} runs the definition ${config.name}, not ${definition.name}`,
    );
  if (config.digest && options.digest && config.digest !== options.digest)
    throw new AgentsError(
      'INVALID_TEAM',
      `team ${config.team} was started from another version of ${definition.name}'s team.ts (digest ${config.digest.slice(0, 12)}, here ${options.digest.slice(0, 12)})`,
    );
  const unknown = members.filter((m) => !config.members.includes(m));
  if (unknown.length > 0)
    throw new AgentsError(
      'INVALID_TEAM',
      `team ${config.team} has no member ${unknown.join(', ')}; members are ${config.members.join(', ')}`,
    );
  // A member is live in one place at a time: claim each before anything starts.
  const resources = await openTeamResources(options.nc, {
    team: config.team,
    ...(config.prefix ? { prefix: config.prefix } : {}),
    timeoutMs: options.joinTimeoutMs,
  });
  let open: DefinedTeam | undefined;
  const claims = await claimNodeMembers({
    ...options,
    kv: await resources.bucket('board'),
    node: options.node ?? `node-${process.pid}`,
    stop: (member) => void open?.host.actor(member)?.stop(),
  });
  try {
    open = await openDefinedTeam({
      nc: options.nc,
      definition,
      config,
      dir: options.dir,
      clock: options.clock,
      join: true,
      idScope: claimedIdScope(claims),
      node: options.node,
      trace: options.trace,
      modelOptions: options.modelOptions,
      interceptor: options.interceptor,
      hostOptions: options.hostOptions,
      timeoutMs: options.joinTimeoutMs,
    });
    for (const id of members) await open.spawnMember(id);
  } catch (err) {
    await open?.close();
    await Promise.all(claims.map((c) => c.release()));
    throw err;
  }
  const team = open;
  let closed = false;
  const finished = whenMembersFinished(team, members, options.clock, () => closed);
  return {
    team: config.team,
    members,
    finished,
    actor: (id) => (members.includes(id) ? team.host.actor(id) : undefined),
    kill: async (id) => {
      await team.host.actor(id)?.stop();
    },
    restart: async (id) => {
      if (members.includes(id) && !team.host.actor(id)) await team.spawnMember(id);
    },
    async close() {
      if (closed) return;
      closed = true;
      await team.close();
      await Promise.all(claims.map((c) => c.release()));
    },
  };
}
