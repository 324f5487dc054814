import { openTeamResources, type NatsConnection } from '@llm-teams/broker';
import { systemClock, type Clock, type TraceSink } from '@llm-teams/runtime';
import { AgentsError } from '../agents-error.js';
import type { ModelClientOptions } from '../models/index.js';
import { spawnMember } from './team-members.js';
import { openTeam, type OpenTeam } from './team-open.js';
import { readRunConfig, RUN_STATUS_KEY } from './team-runner.js';

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
}

export interface TeamNode {
  readonly team: string;
  readonly members: readonly string[];
  /** Resolves when every member here has stopped (the run is over: `run.done`). */
  readonly finished: Promise<void>;
  close(): Promise<void>;
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
  const known = [...config.workers, ...config.coordinators];
  const unknown = options.members.filter((m) => !known.includes(m));
  if (unknown.length > 0) {
    throw new AgentsError(
      'INVALID_TEAM',
      `team ${options.team} has no member ${unknown.join(', ')}; members are ${known.join(', ')}`,
    );
  }
  const ctx: OpenTeam = await openTeam({
    nc: options.nc,
    config,
    clock,
    node: options.node,
    idScope: options.members,
    trace: options.trace,
    modelOptions: options.modelOptions,
    join: true,
  });
  for (const id of options.members) await spawnMember(ctx, id);
  let closed = false;
  let checks = 0;
  const finished = new Promise<void>((resolve) => {
    const check = async () => {
      if (closed) return resolve();
      const running = options.members.some((id) => {
        const h = ctx.host.actor(id);
        return (
          h !== undefined && h.status !== 'done' && h.status !== 'stopped' && h.status !== 'failed'
        );
      });
      // The run.done broadcast may have been lost (a cut link): the run's status in KV says too.
      const ended =
        ++checks % 5 === 0 &&
        (await Promise.resolve()
          .then(() => ctx.boardKv.get(RUN_STATUS_KEY))
          .then(
            (e) => e?.operation === 'PUT',
            () => false,
          ));
      if (!running || ended) resolve();
      else setTimeout(() => void check(), 100);
    };
    void check();
  });
  return {
    team: options.team,
    members: options.members,
    finished,
    async close() {
      if (closed) return;
      closed = true;
      await ctx.close();
    },
  };
}
