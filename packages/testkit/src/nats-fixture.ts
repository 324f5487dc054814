/**
 * A real nats-server (or a local cluster) for one test: started on free ports, with JetStream,
 * and stopped with every connection it opened by `close()`. Nothing assumes a server is
 * already running.
 */
import {
  connectNats,
  startNatsCluster,
  startNatsServer,
  type NatsCluster,
  type NatsClusterOptions,
  type NatsConnection,
  type NatsServer,
  type NatsServerOptions,
} from '@llm-teams/broker';

export interface NatsFixture {
  server: NatsServer;
  url: string;
  /** Opens a connection that `close()` closes too. */
  connect(name?: string): Promise<NatsConnection>;
  close(): Promise<void>;
}

export interface NatsClusterFixture {
  cluster: NatsCluster;
  /** Every node's URL, for a client that fails over between them. */
  urls: string[];
  /** Opens a connection to all nodes that `close()` closes too. */
  connect(name?: string): Promise<NatsConnection>;
  close(): Promise<void>;
}

/** Connections opened for a fixture; `close()` closes those still open, then `stop`s its servers. */
function connectionPool(servers: string | string[], stop: () => Promise<void>) {
  const connections: NatsConnection[] = [];
  return {
    connect: async (name?: string): Promise<NatsConnection> => {
      const nc = await connectNats({ servers, name: name ?? 'test' });
      connections.push(nc);
      return nc;
    },
    close: async (): Promise<void> => {
      await Promise.all(
        connections.splice(0).map((nc) => (nc.isClosed() ? Promise.resolve() : nc.close())),
      );
      await stop();
    },
  };
}

/** Starts a fresh nats-server; `close()` stops it and every connection it opened. */
export async function startNatsFixture(options: NatsServerOptions = {}): Promise<NatsFixture> {
  const server = await startNatsServer(options);
  return { server, url: server.url, ...connectionPool(server.url, () => server.close()) };
}

/** Starts a local JetStream cluster (three nodes unless told); `close()` stops it all. */
export async function startNatsClusterFixture(
  options: NatsClusterOptions = {},
): Promise<NatsClusterFixture> {
  const cluster = await startNatsCluster(options);
  return { cluster, urls: cluster.urls, ...connectionPool(cluster.urls, () => cluster.close()) };
}

/** Where a fixture helper registers its set-up and tear-down: vitest's or node:test's hooks,
 *  per test (`beforeEach` / `afterEach`) or per file (`beforeAll` / `afterAll`). */
export interface FixtureHooks {
  before(fn: () => Promise<void>): unknown;
  after(fn: () => Promise<void>): unknown;
}

/** A nats-server started by `useNats`'s hooks, with one connection to it. */
export interface NatsInUse {
  readonly url: string;
  readonly server: NatsServer;
  /** The connection opened for the tests. */
  readonly nc: NatsConnection;
  /** Opens another connection, closed with the server. */
  connect(name?: string): Promise<NatsConnection>;
}

/**
 * A fresh nats-server and a connection to it for each test (or each file, given the `All`
 * hooks), stopped after it: `const nats = useNats({ before: beforeEach, after: afterEach })`,
 * then `nats.nc` in the tests. Hooks registered after this one run after the server started
 * and, in vitest's default order, tear down before it stops.
 */
export function useNats(hooks: FixtureHooks, options: NatsServerOptions = {}): NatsInUse {
  let fixture: NatsFixture | undefined;
  let nc: NatsConnection | undefined;
  const started = (): NatsFixture => {
    if (!fixture) throw new Error('useNats: the nats-server is not running (outside a test?)');
    return fixture;
  };
  hooks.before(async () => {
    fixture = await startNatsFixture(options);
    nc = await fixture.connect();
  });
  hooks.after(async () => {
    const f = fixture;
    fixture = undefined;
    nc = undefined;
    await f?.close();
  });
  return {
    get url() {
      return started().url;
    },
    get server() {
      return started().server;
    },
    get nc() {
      started();
      return nc!;
    },
    connect: (name) => started().connect(name),
  };
}
