/**
 * The topology of docker-compose.yml, read as data: its NATS servers (cluster, routes,
 * JetStream, health checks) and its llm-teams nodes (command line, NATS URLs, team, agents).
 * Tests check the file with it, and run the same topology as local processes: a local
 * cluster of as many servers, and each node's command line with the container URLs replaced
 * by the local servers' (`localNodeArgs`).
 */
import { readFileSync } from 'node:fs';
import { parse } from 'yaml';

export interface ComposeHealthcheck {
  test: string[];
  intervalMs: number;
  retries: number;
}

export interface ComposeNatsServer {
  service: string;
  hostname: string;
  image: string;
  /** `--name` */
  name: string;
  clusterName: string | undefined;
  /** The port of `--cluster`, where the other servers route to. */
  clusterPort: number | undefined;
  /** `host:port` of each route. */
  routes: string[];
  jetstream: boolean;
  storeDir: string | undefined;
  /** Named volume (or host path) mounted at the store directory. */
  storeVolume: string | undefined;
  httpPort: number | undefined;
  healthcheck: ComposeHealthcheck | undefined;
}

export interface ComposeNode {
  service: string;
  /** `coordinator`: the service that runs `llm-teams run` (the director and whatever it does
   *  not leave to others); `agent`: an `llm-teams node`. */
  role: 'coordinator' | 'agent';
  /** Arguments after the image's entrypoint (`llm-teams`), `--flag=value` split in two. */
  args: string[];
  /** The `--nats` URLs. */
  natsUrls: string[];
  team: string | undefined;
  /** `--agents` (agent nodes), or `--remote` (the members the coordinator's run leaves to
   *  the nodes). */
  agents: string[];
  /** Services this one waits for to be healthy. */
  waitsForHealthy: string[];
  built: boolean;
}

export interface ComposeTopology {
  nats: ComposeNatsServer[];
  nodes: ComposeNode[];
  volumes: string[];
}

type Json = Record<string, unknown>;

const asRecord = (v: unknown): Json => (v && typeof v === 'object' ? (v as Json) : {});
const asString = (v: unknown): string => (typeof v === 'string' ? v : '');
const asStrings = (v: unknown): string[] =>
  Array.isArray(v) ? v.map(String) : typeof v === 'string' ? v.split(/\s+/).filter(Boolean) : [];

/** `--a=b` becomes `--a b`; flags keep their order. */
function splitArgs(args: string[]): string[] {
  return args.flatMap((a) => {
    const eq = a.startsWith('--') ? a.indexOf('=') : -1;
    return eq === -1 ? [a] : [a.slice(0, eq), a.slice(eq + 1)];
  });
}

/** The value after `flag` (or one of its aliases), or undefined. */
export function flagValue(args: readonly string[], ...flags: string[]): string | undefined {
  for (let i = 0; i < args.length - 1; i++) if (flags.includes(args[i]!)) return args[i + 1];
  return undefined;
}

function durationMs(v: unknown): number {
  const m = /^(\d+(?:\.\d+)?)(ms|s|m)$/.exec(String(v));
  if (!m) return NaN;
  return Number(m[1]) * (m[2] === 'ms' ? 1 : m[2] === 's' ? 1000 : 60_000);
}

function hostPort(url: string): string {
  return url.replace(/^[a-z-]+:\/\//, '');
}

function natsServer(service: string, def: Json): ComposeNatsServer {
  const args = splitArgs(asStrings(def['command']));
  const cluster = flagValue(args, '--cluster');
  const store = flagValue(args, '--store_dir', '-sd');
  const mount = asStrings(def['volumes']).find(
    (v) => store !== undefined && v.endsWith(`:${store}`),
  );
  const hc = asRecord(def['healthcheck']);
  const http = flagValue(args, '--http_port', '-m');
  return {
    service,
    hostname: typeof def['hostname'] === 'string' ? def['hostname'] : service,
    image: asString(def['image']),
    name: flagValue(args, '--name', '-n') ?? service,
    clusterName: flagValue(args, '--cluster_name'),
    clusterPort: cluster ? Number(cluster.split(':').at(-1)) : undefined,
    routes: (flagValue(args, '--routes') ?? '').split(',').filter(Boolean).map(hostPort),
    jetstream: args.includes('--jetstream') || args.includes('-js'),
    storeDir: store,
    storeVolume: mount?.slice(0, mount.length - (store?.length ?? 0) - 1),
    httpPort: http === undefined ? undefined : Number(http),
    healthcheck:
      hc['test'] === undefined
        ? undefined
        : {
            test: asStrings(hc['test']),
            intervalMs: durationMs(hc['interval'] ?? '30s'),
            retries: Number(hc['retries'] ?? 3),
          },
  };
}

function node(service: string, def: Json): ComposeNode {
  const args = splitArgs(asStrings(def['command']));
  const dependsOn = asRecord(def['depends_on']);
  const coordinator = args[0] === 'run';
  const list = (flag: string) => (flagValue(args, flag) ?? '').split(',').filter(Boolean);
  return {
    service,
    role: coordinator ? 'coordinator' : 'agent',
    args,
    natsUrls: list('--nats'),
    team: flagValue(args, '--team', '--team-name'),
    agents: coordinator ? list('--remote') : list('--agents'),
    waitsForHealthy: Object.entries(dependsOn)
      .filter(([, v]) => asRecord(v)['condition'] === 'service_healthy')
      .map(([k]) => k),
    built: def['build'] !== undefined,
  };
}

/** Reads a compose file (YAML merge keys resolved) into its topology. */
export function topologyFromCompose(file: string): ComposeTopology {
  const doc = asRecord(parse(readFileSync(file, 'utf8'), { merge: true }));
  const services = asRecord(doc['services']);
  const nats: ComposeNatsServer[] = [];
  const nodes: ComposeNode[] = [];
  for (const [service, raw] of Object.entries(services)) {
    const def = asRecord(raw);
    if (asString(def['image']).startsWith('nats:')) nats.push(natsServer(service, def));
    else if (['run', 'node'].includes(asStrings(def['command'])[0] ?? ''))
      nodes.push(node(service, def));
  }
  return { nats, nodes, volumes: Object.keys(asRecord(doc['volumes'])) };
}

/**
 * A node's command line for a local run: each container URL (`nats://nats2:4222`) replaced by
 * the URL of the local server standing in for that service (`urls[service]`).
 */
export function localNodeArgs(
  node: ComposeNode,
  topology: ComposeTopology,
  urls: Readonly<Record<string, string>>,
): string[] {
  const byHost = new Map(topology.nats.map((n) => [n.hostname, urls[n.service]]));
  return node.args.map((arg, i) => {
    if (node.args[i - 1] !== '--nats') return arg;
    return arg
      .split(',')
      .map((u) => {
        const local = byHost.get(new URL(u).hostname);
        if (!local) throw new Error(`${node.service}: no local server for ${u}`);
        return local;
      })
      .join(',');
  });
}
