/**
 * System time: closing waits a bounded real time for the members' nodes to finish.
 */
import {
  lifecycleFault,
  startTeamNode,
  type RunningTeam,
  type TeamNode,
  type TeamNodeOptions,
} from '@llm-teams/agents';
import { createWireProxy, type NatsConnection, type WireProxy } from '@llm-teams/broker';
import { createSkewedClock, systemClock } from '@llm-teams/runtime';
import type { ClockHosts } from '../faults/clock-faults.js';
import type { WireHosts } from '../faults/wire-faults.js';

/** Where a run's members live: all in one host (`one`), or each on a host of its own
 *  (`each`), every host with its own NATS connection through the wire proxy. */
export type HostLayout = 'one' | 'each';
export const HOST_LAYOUTS: readonly HostLayout[] = ['one', 'each'];

/** The host that runs the run (the director: it provisions, watches the board, ends it). */
export const DIRECTOR_HOST = 'director';

export interface TeamHostsOptions {
  /** The NATS servers behind the proxy. */
  servers: readonly { name: string; url: string }[];
  /** Members that each get a host of their own, named after them. */
  members: readonly string[];
  /** Opens a host's connection to `servers` (the proxy's URLs for it). */
  connect(servers: readonly string[], name: string): Promise<NatsConnection>;
  /** Uniform draws in [0, 1) for the proxy's jitter. */
  random: () => number;
}

/** What a member host shares with the run it joins (a team of one's own: its definition). */
export type MemberHostOptions = Pick<
  TeamNodeOptions,
  'trace' | 'modelOptions' | 'interceptor' | 'prefix' | 'definition' | 'dir' | 'digest'
>;

/**
 * A team spread over hosts in this process: the director's host and one per member, each with
 * its own NATS connection through the wire proxy, so a wire fault on a host hits everything
 * it does (messages, JetStream, KV, heartbeats) as if it were another machine. Members join
 * the run as `llm-teams node` processes do (`startTeamNode`).
 */
export interface TeamHosts {
  readonly proxy: WireProxy;
  /** Hosts and servers, for wire faults. */
  readonly wire: WireHosts;
  /** Each host's own clock (the director's is the run's), for clock faults. */
  readonly clocks: ClockHosts;
  /** The director's host connection: `runTeam` runs on it, with no local members. */
  readonly directorNc: NatsConnection;
  /** Starts the member hosts of `team`; they join once the run publishes its configuration. */
  start(team: string, options: MemberHostOptions): void;
  /** The running team as fault tooling sees it: every member, wherever it is hosted. */
  compose(team: RunningTeam): RunningTeam;
  /** Once the run is over: heals the network (a host cut off could not learn the end), waits
   *  (up to `waitMs`) for the member hosts to see the end, then closes them and the proxy. */
  close(waitMs?: number): Promise<void>;
}

export async function openTeamHosts(options: TeamHostsOptions): Promise<TeamHosts> {
  const proxy = createWireProxy({ servers: options.servers, random: options.random });
  const hostNames = [DIRECTOR_HOST, ...options.members];
  const connections = new Map<string, NatsConnection>();
  try {
    for (const host of hostNames) {
      connections.set(host, await options.connect(await proxy.urls(host), `llm-teams-${host}`));
    }
  } catch (err) {
    await proxy.close();
    throw err;
  }
  const hostMembers = new Map(
    hostNames.map((h) => [h, h === DIRECTOR_HOST ? ['director'] : [h]] as const),
  );
  const clocks = new Map(hostNames.map((h) => [h, createSkewedClock(systemClock)]));
  const nodes = new Map<string, Promise<TeamNode | undefined>>();
  const started = new Map<string, TeamNode>();
  const errors: unknown[] = [];
  const hosted = (id: string) => started.get(id);
  return {
    proxy,
    wire: { proxy, hosts: hostMembers, servers: options.servers.map((s) => s.name) },
    clocks: { clocks, hosts: hostMembers },
    directorNc: connections.get(DIRECTOR_HOST)!,
    start(team, shared) {
      for (const member of options.members) {
        const node = startTeamNode({
          ...shared,
          nc: connections.get(member)!,
          team,
          members: [member],
          node: member,
          clock: clocks.get(member)!,
        }).then(
          (n) => {
            started.set(member, n);
            return n;
          },
          (err: unknown) => {
            errors.push(err);
            return undefined;
          },
        );
        nodes.set(member, node);
      }
    },
    compose(team) {
      return {
        ...team,
        actor: (id) => team.actor(id) ?? hosted(id)?.actor(id),
        kill: async (id, by) => {
          const node = hosted(id);
          if (!node) return team.kill(id, by);
          team.actor('director')?.runtime.record(lifecycleFault('kill', id, by));
          await node.kill(id);
        },
        restart: async (id, by) => {
          const node = hosted(id);
          if (!node) return team.restart(id, by);
          await node.restart(id);
        },
      };
    },
    async close(waitMs = 5000) {
      proxy.clear();
      const all = (await Promise.all(nodes.values())).filter((n) => n !== undefined);
      await Promise.race([
        Promise.all(all.map((n) => n.finished)),
        new Promise<void>((r) => setTimeout(r, waitMs).unref()),
      ]);
      await Promise.all(all.map((n) => n.close()));
      await proxy.close();
      if (errors.length > 0) throw errors[0];
    },
  };
}

/** A run's `onStarted`, handed the team as fault tooling sees it (`TeamHosts.compose`). */
export function composedOnStarted(
  hosts: TeamHosts | undefined,
  started: ((team: RunningTeam) => void | Promise<void>) | undefined,
): { onStarted?: (team: RunningTeam) => void | Promise<void> } {
  return started ? { onStarted: (t) => started(hosts ? hosts.compose(t) : t) } : {};
}

/** Once the run is over: the member hosts close (they may still write to the trace), then the
 *  trace, even when closing the hosts fails. */
export async function closeHostsAndTrace(
  hosts: TeamHosts | undefined,
  trace: { close(): Promise<void> },
): Promise<void> {
  try {
    await hosts?.close();
  } finally {
    await trace.close();
  }
}
