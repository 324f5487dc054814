/**
 * The setup most runtime tests share: a fresh nats-server, a connection, the team's JetStream
 * resources, and actor hosts on that team, all closed by one `close()`.
 *
 *     let t: HostFixture;
 *     beforeEach(async () => (t = await startHostFixture({ team: 't1' })));
 *     afterEach(() => t.close());
 *     it('...', async () => {
 *       const host = await t.host({ node: 'h1', trace });
 */
import {
  provisionTeam,
  type NatsConnection,
  type NatsServerOptions,
  type TeamResources,
} from '@llm-teams/broker';
import { createActorHost, type ActorHost, type ActorHostOptions } from '@llm-teams/runtime';
import { startNatsFixture, type NatsFixture } from './nats-fixture.js';

export interface HostFixtureOptions {
  /** The team the hosts join. Default `test`. */
  team?: string;
  /** Create the team's streams and buckets before the test. Default true. */
  provision?: boolean;
  /** Options of the nats-server (auth, JetStream directory, ...). */
  server?: NatsServerOptions;
}

/** Anything a test opens that the fixture should close before the server stops. */
export interface Closable {
  close(): unknown;
}

export interface HostFixture {
  readonly nats: NatsFixture;
  /** The fixture's first connection: the default of every host. */
  readonly nc: NatsConnection;
  readonly team: string;
  /** The team's resources; undefined when `provision: false`. */
  readonly resources: TeamResources | undefined;
  /** Opens another connection, closed with the fixture. */
  connect(name?: string): Promise<NatsConnection>;
  /** `createActorHost` on this team (`nc`, `team`, node `h<n>` by default), closed with the
   *  fixture. */
  host(options?: Partial<ActorHostOptions>): Promise<ActorHost>;
  /** Closes `thing` with the fixture (last opened, first closed); returns it. */
  track<T extends Closable>(thing: T): T;
  /** Closes what was tracked and every host, newest first, then stops the server. */
  close(): Promise<void>;
}

export async function startHostFixture(options: HostFixtureOptions = {}): Promise<HostFixture> {
  const team = options.team ?? 'test';
  const nats = await startNatsFixture(options.server);
  const nc = await nats.connect();
  const resources = options.provision === false ? undefined : await provisionTeam(nc, { team });
  const open: Closable[] = [];
  let hosts = 0;
  const track = <T extends Closable>(thing: T): T => {
    open.push(thing);
    return thing;
  };
  return {
    nats,
    nc,
    team,
    resources,
    connect: (name) => nats.connect(name),
    async host(hostOptions = {}) {
      hosts++;
      return track(await createActorHost({ nc, team, node: `h${hosts}`, ...hostOptions }));
    },
    track,
    async close() {
      for (const thing of open.splice(0).reverse()) await thing.close();
      await nats.close();
    },
  };
}
