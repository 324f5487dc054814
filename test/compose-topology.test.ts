/**
 * docker-compose.yml describes the deployment; no Docker engine runs here, so this checks the
 * file's topology, and runs the same NATS topology as local processes.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  clusterReplicas,
  connectNats,
  jetstream,
  jetstreamManager,
  openTeamResources,
  provisionTeam,
  type NatsConnection,
} from '@llm-teams/broker';
import { parseTrace } from '@llm-teams/runtime';
import { analyzeTrace, readRunStart, UP_STATE_FILE } from '@llm-teams/lab';
import {
  localNodeArgs,
  topologyFromCompose,
  type ComposeNode,
} from './support/compose-topology.js';
import {
  argv,
  createNetnsLab,
  netnsSupport,
  selectNatsBackend,
  spawnCli,
  startTestNats,
  tempDir,
  until,
  type CliProcess,
} from '@llm-teams/testkit';

const file = (name: string) => fileURLToPath(new URL(`../${name}`, import.meta.url));
const topology = topologyFromCompose(file('docker-compose.yml'));
const clientUrl = (hostname: string) => `nats://${hostname}:4222`;

describe('docker-compose.yml', () => {
  it('has three NATS servers in one cluster, each routed to the other two', () => {
    expect(topology.nats.map((n) => n.service)).toEqual(['nats1', 'nats2', 'nats3']);
    const names = new Set(topology.nats.map((n) => n.name));
    expect(names.size).toBe(3);
    for (const n of topology.nats) {
      expect(n.image).toBe('nats:2.10-alpine');
      expect(n.clusterName).toBe('llmt');
      expect(n.clusterPort).toBe(6222);
      const others = topology.nats.filter((o) => o !== n);
      expect(n.routes.sort()).toEqual(others.map((o) => `${o.hostname}:${o.clusterPort}`).sort());
    }
  });

  it('runs JetStream on every server, each with a store on its own volume', () => {
    for (const n of topology.nats) {
      expect(n.jetstream, n.service).toBe(true);
      expect(n.storeDir, n.service).toBe('/data');
      expect(topology.volumes).toContain(n.storeVolume);
    }
    expect(new Set(topology.nats.map((n) => n.storeVolume)).size).toBe(3);
  });

  it('checks every server through its monitoring /healthz', () => {
    for (const n of topology.nats) {
      expect(n.httpPort, n.service).toBe(8222);
      expect(n.healthcheck?.test.join(' '), n.service).toMatch(
        /^CMD(-SHELL)? .*http:\/\/(127\.0\.0\.1|localhost):8222\/healthz/,
      );
      expect(n.healthcheck!.intervalMs).toBeLessThanOrEqual(10_000);
      expect(n.healthcheck!.retries).toBeGreaterThanOrEqual(3);
    }
  });

  it('has a coordinator and two agent nodes, built here, waiting for a healthy cluster', () => {
    const coordinators = topology.nodes.filter((n) => n.role === 'coordinator');
    const agents = topology.nodes.filter((n) => n.role === 'agent');
    expect(coordinators.map((n) => n.service)).toEqual(['coordinator']);
    expect(agents.map((n) => n.service)).toEqual(['agent-2', 'agent-3']);
    const allNats = topology.nats.map((n) => clientUrl(n.hostname));
    for (const n of topology.nodes) {
      expect(n.built, n.service).toBe(true);
      expect(n.waitsForHealthy.sort(), n.service).toEqual(['nats1', 'nats2', 'nats3']);
      expect(n.natsUrls.sort(), n.service).toEqual(allNats.sort());
      expect(n.team, n.service).toBe('demo');
      expect(n.args[0]).toBe(n.role === 'coordinator' ? 'run' : 'node');
    }
    // Each member left to a node lives on exactly one, and the run leaves exactly those.
    const hosted = agents.flatMap((n) => n.agents);
    expect(hosted).toEqual(['a2', 'a3']);
    expect(coordinators[0]!.agents).toEqual(hosted);
  });

  it('builds nodes from a Dockerfile running the llm-teams command on node 20', () => {
    const dockerfile = readFileSync(file('Dockerfile'), 'utf8');
    expect(dockerfile).toMatch(/^FROM node:20-slim$/m);
    expect(dockerfile).toMatch(/^RUN npm ci\b/m);
    expect(dockerfile).toMatch(/^ENTRYPOINT \["npx", "--no-install", "llm-teams"\]$/m);
    expect(dockerfile).toMatch(/^USER node$/m);
    const ignored = readFileSync(file('.dockerignore'), 'utf8').split('\n');
    for (const pattern of ['**/node_modules', '.git', 'runs', '**/*.nk', '**/*.creds', '**/.env']) {
      expect(ignored).toContain(pattern);
    }
  });
});

/** The servers of `llm-teams up --nodes 3`, standing in for nats1..3. */
interface UpServer {
  name: string;
  pid: number;
  url: string;
  http: string;
}

const unsupported = netnsSupport();
if (unsupported) console.log(`compose nodes run in this network namespace: ${unsupported}`);

describe('the compose topology as local processes', () => {
  const dir = tempDir('llmt-compose-');
  const upDir = join(dir.dir, 'nats');
  let servers: UpServer[];
  const urls: Record<string, string> = {};
  const connections: NatsConnection[] = [];
  const children: CliProcess[] = [];
  // Where root and `ip netns` exist, each agent node is a machine of its own: a network
  // namespace joined to this one by a veth pair, reaching the servers at the pair's address.
  const lab = unsupported ? undefined : createNetnsLab(['h2', 'h3']);
  const gateways = lab
    ? { 'agent-2': lab.link('root', 'h2', 95), 'agent-3': lab.link('root', 'h3', 96) }
    : undefined;

  beforeAll(async () => {
    const host = lab ? '0.0.0.0' : '127.0.0.1';
    const up = await spawnCli(argv`up --nodes 3 --dir ${upDir} --host ${host}`).exited;
    expect(up.code, up.stderr).toBe(0);
    servers = (
      JSON.parse(readFileSync(join(upDir, UP_STATE_FILE), 'utf8')) as { nodes: UpServer[] }
    ).nodes.map((n) => ({
      ...n,
      url: n.url.replace('0.0.0.0', '127.0.0.1'),
      http: n.http.replace('0.0.0.0', '127.0.0.1'),
    }));
    expect(up.stdout.trim().split(',')).toHaveLength(3);
    topology.nats.forEach((n, i) => (urls[n.service] = servers[i]!.url));
  });
  afterAll(async () => {
    for (const c of children) c.kill('SIGKILL');
    await Promise.all(connections.map((nc) => nc.close()));
    await spawnCli(argv`down --dir ${upDir}`).exited;
    lab?.close();
    dir.cleanup();
  });

  it('points each node at the local servers', () => {
    for (const n of topology.nodes) {
      const args = localNodeArgs(n, topology, urls);
      const nats = args[args.indexOf('--nats') + 1]!.split(',');
      expect(nats.sort(), n.service).toEqual(Object.values(urls).sort());
      expect(args.filter((a) => a !== args[args.indexOf('--nats') + 1])).toEqual(
        n.args.filter((a) => a !== n.args[n.args.indexOf('--nats') + 1]),
      );
    }
  });

  it('forms one cluster: healthy, fully routed, JetStream replicated across all three', async () => {
    for (const [i, n] of servers.entries()) {
      const health = await fetch(`${n.http}/healthz`);
      expect(health.ok, topology.nats[i]!.service).toBe(true);
      const routez = (await (await fetch(`${n.http}/routez`)).json()) as { num_routes: number };
      expect(routez.num_routes, topology.nats[i]!.service).toBeGreaterThanOrEqual(2);
    }
    // Like a node: connect with every URL, provision with replicas 3, publish on one server,
    // consume through another.
    const coordinator = topology.nodes.find((n) => n.role === 'coordinator')!;
    const coordinatorArgs = localNodeArgs(coordinator, topology, urls);
    const all = coordinatorArgs[coordinatorArgs.indexOf('--nats') + 1]!;
    const a = await connectNats({ servers: all });
    const b = await connectNats({ servers: servers[2]!.url });
    connections.push(a, b);
    const resources = await provisionTeam(a, { team: 'probe', replicas: 3 });
    await jetstream(a).publish(resources.subjects.durableInbox('a1'), new Uint8Array([7]), {
      msgID: 'm1',
    });
    const info = await (await jetstreamManager(b)).streams.info(resources.inboxStream);
    expect(info.config.num_replicas).toBe(3);
    expect(info.state.messages).toBe(1);
    expect(info.cluster?.replicas?.length).toBe(2);
    expect(await clusterReplicas(a)).toBe(3);
  });

  it("runs: the services' command lines complete the team through the loss of a server, and the merged trace passes every checker", async () => {
    const out = join(dir.dir, 'runs', 'demo');
    const commandLine = (n: ComposeNode) => {
      const args = localNodeArgs(n, topology, urls).map((a) => (a === '/app/runs/demo' ? out : a));
      const link = gateways?.[n.service as keyof typeof gateways];
      if (!link || !lab) return { args };
      // From its namespace a node reaches the servers through its end of the pair.
      const i = args.indexOf('--nats');
      args[i + 1] = args[i + 1]!.replaceAll('127.0.0.1', link.aAddr);
      return { args, wrap: ['ip', 'netns', 'exec', lab.ns(n.service === 'agent-2' ? 'h2' : 'h3')] };
    };
    const started = topology.nodes.map((n) => {
      const { args, wrap } = commandLine(n);
      const child = spawnCli(args, { cwd: dir.dir, ...(wrap ? { wrap } : {}) });
      children.push(child);
      return { service: n.service, child };
    });
    // Mid-run (two tasks done on the board), one server dies.
    const watcher = await connectNats({ servers: servers[2]!.url });
    connections.push(watcher);
    const team = await openTeamResources(watcher, { team: 'demo', timeoutMs: 120_000 });
    const board = await team.bucket('board');
    const story = async () => {
      for (const { child } of started) child.kill('SIGKILL');
      const outs = await Promise.all(
        started.map(async (x) => [x.service, await x.child.exited] as const),
      );
      return outs.map(([service, r]) => `--- ${service} (exit ${r.code})\n${r.stderr}`).join('\n');
    };
    await until(
      'two tasks done on the board',
      async () => {
        let done = 0;
        for await (const key of await board.keys('task.>')) {
          const e = await board.get(key).catch(() => null);
          if (e?.operation === 'PUT' && e.json<{ status: string }>().status === 'done') done++;
        }
        return done >= 2;
      },
      120_000,
    ).catch(async (err: unknown) => {
      throw new Error(`${(err as Error).message}\n${await story()}`);
    });
    process.kill(servers[0]!.pid, 'SIGKILL');
    // Each node ends by itself once the run has ended; one that does not is shown with what
    // every node printed, rather than the test's timeout saying nothing.
    const ended = new Set<string>();
    for (const { service, child } of started) void child.exited.then(() => ended.add(service));
    await until(
      'every node exits after the loss of a server',
      () => ended.size === started.length,
      120_000,
    ).catch(async (err: unknown) => {
      throw new Error(`${(err as Error).message}\n${await story()}`);
    });
    for (const { service, child } of started) {
      const r = await child.exited;
      expect(r.code, `${service}: ${r.stderr}`).toBe(0);
    }
    const record = JSON.parse(readFileSync(join(out, 'result.json'), 'utf8')) as {
      result: { status: string; tasks: { status: string }[] };
    };
    expect(record.result.status).toBe('completed');
    expect(record.result.tasks.every((t) => t.status === 'done')).toBe(true);
    const events = parseTrace(readFileSync(join(out, 'trace.jsonl'), 'utf8'));
    expect(new Set(events.map((e) => e.node))).toEqual(new Set(['director', 'node-a2', 'node-a3']));
    const analysis = analyzeTrace(events, {
      deps: Object.fromEntries(readRunStart(events)!.tasks.map((t) => [t.id, t.deps])),
    });
    expect(analysis.findings.filter((f) => f.severity === 'error')).toEqual([]);
    // Every event once: the director's own file is part of the merged trace, not repeated.
    const own = parseTrace(readFileSync(join(out, 'trace.director.jsonl'), 'utf8'));
    expect(events.filter((e) => e.node === 'director')).toHaveLength(own.length);
  }, 300_000);
});

describe('where a test gets its nats-server', () => {
  const none = { socketExists: () => false, canImport: () => Promise.resolve(false) };
  it('uses a container only with a Docker engine and the optional testcontainers package', async () => {
    expect((await selectNatsBackend({}, none)).backend).toBe('binary');
    // A docker CLI without an engine (this machine) is not enough.
    const socket = { ...none, socketExists: (p: string) => p === '/var/run/docker.sock' };
    expect(await selectNatsBackend({}, socket)).toEqual({
      backend: 'binary',
      reason: 'Docker at /var/run/docker.sock, but @testcontainers/nats is not installed',
    });
    const both = { ...socket, canImport: () => Promise.resolve(true) };
    expect((await selectNatsBackend({}, both)).backend).toBe('container');
    expect(
      (
        await selectNatsBackend(
          { DOCKER_HOST: 'tcp://d:2375' },
          { ...both, socketExists: () => false },
        )
      ).reason,
    ).toBe('Docker at DOCKER_HOST=tcp://d:2375');
    expect((await selectNatsBackend({ LLMT_TEST_NATS: 'binary' }, both)).backend).toBe('binary');
    await expect(selectNatsBackend({ LLMT_TEST_NATS: 'container' }, none)).rejects.toThrow(
      /no Docker engine/,
    );
  });

  it('falls back to the local binary here', async () => {
    const nats = await startTestNats();
    try {
      if ((await selectNatsBackend()).backend === 'binary') expect(nats.backend).toBe('binary');
      const nc = await connectNats(nats.connectOptions);
      await jetstreamManager(nc).then((jsm) => jsm.getAccountInfo());
      await nc.close();
    } finally {
      await nats.close();
    }
  });
});
