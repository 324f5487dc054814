import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { BrokerError } from './errors.js';
import { findFreePort } from './free-port.js';
import { startNatsServer, type NatsServer, type StopOptions } from './nats-server.js';

export interface NatsClusterOptions {
  /** Number of servers. Default 3 (JetStream needs a majority, so 3 survives one loss). */
  nodes?: number;
  /** Cluster name. Default `llmt`. */
  name?: string;
  /** Interface to listen on. Default `127.0.0.1`. */
  host?: string;
  /** Parent directory for the members' directories. Default: a new temporary directory,
   *  removed on `close()`; a given directory is kept. */
  dir?: string;
  /** Per-member extra configuration (authorization, tls). */
  extraConfig?: string;
  /** Servers outlive this process (see NatsServerOptions.detached). Default false. */
  detached?: boolean;
  /** Default 30000: a cluster needs a meta leader before it is healthy. */
  readyTimeoutMs?: number;
  binary?: string;
}

/** A local cluster of nats-servers routed to each other, with JetStream. */
export interface NatsCluster {
  readonly nodes: readonly NatsServer[];
  /** Client URLs of every member, for `servers:` in a connection. */
  readonly urls: string[];
  readonly dir: string;
  node(name: string): NatsServer;
  /** Stop one member (SIGTERM, or SIGKILL as a crash); its store survives for `restart`. */
  stopNode(name: string, options?: StopOptions): Promise<void>;
  /** Start a stopped member again, same ports and store. */
  restartNode(name: string): Promise<void>;
  close(): Promise<void>;
}

/** Starts `nodes` servers (`n1`..`nN`) with full-mesh routes and JetStream. */
export async function startNatsCluster(options: NatsClusterOptions = {}): Promise<NatsCluster> {
  const count = options.nodes ?? 3;
  if (!Number.isInteger(count) || count < 1 || count > 15) {
    throw new BrokerError('INVALID_OPTIONS', `cluster size must be an integer 1..15, got ${count}`);
  }
  const host = options.host ?? '127.0.0.1';
  const ownsDir = options.dir === undefined;
  const dir = options.dir ?? mkdtempSync(join(tmpdir(), 'llmt-cluster-'));
  mkdirSync(dir, { recursive: true });
  const clusterPorts: number[] = [];
  for (let i = 0; i < count; i++) clusterPorts.push(await findFreePort(host));
  const routesFor = (i: number) =>
    clusterPorts.filter((_, j) => j !== i).map((p) => `nats-route://${host}:${p}`);

  const settled = await Promise.allSettled(
    clusterPorts.map((port, i) =>
      startNatsServer({
        name: `n${i + 1}`,
        host,
        dir: join(dir, `n${i + 1}`),
        binary: options.binary,
        extraConfig: options.extraConfig,
        detached: options.detached,
        readyTimeoutMs: options.readyTimeoutMs ?? 30_000,
        cluster: { name: options.name ?? 'llmt', port, routes: routesFor(i) },
      }),
    ),
  );
  const nodes = settled.flatMap((s) => (s.status === 'fulfilled' ? [s.value] : []));
  const failed = settled.find((s): s is PromiseRejectedResult => s.status === 'rejected');
  if (failed) {
    await Promise.all(nodes.map((n) => n.close()));
    if (ownsDir) rmSync(dir, { recursive: true, force: true });
    throw failed.reason;
  }

  function node(name: string): NatsServer {
    const found = nodes.find((n) => n.name === name);
    if (!found) {
      throw new BrokerError(
        'UNKNOWN_NODE',
        `no node ${JSON.stringify(name)} in the cluster; nodes are ${nodes.map((n) => n.name).join(', ')}`,
      );
    }
    return found;
  }

  return {
    nodes,
    urls: nodes.map((n) => n.url),
    dir,
    node,
    stopNode: (name, stopOptions) => node(name).stop(stopOptions),
    restartNode: (name) => node(name).start(),
    async close() {
      await Promise.all(nodes.map((n) => n.close()));
      if (ownsDir && !options.detached) rmSync(dir, { recursive: true, force: true });
    },
  };
}
