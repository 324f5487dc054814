/**
 * docker-compose.yml describes the deployment; no Docker engine runs here, so this checks the
 * file's topology, and runs the same NATS topology as local processes.
 */
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  connectNats,
  jetstream,
  jetstreamManager,
  provisionTeam,
  startNatsCluster,
  type NatsCluster,
  type NatsConnection,
} from '@llm-teams/broker';
import { localNodeArgs, topologyFromCompose } from './support/compose-topology.js';
import { selectNatsBackend, startTestNats } from './support/containers.js';

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
    expect(agents.map((n) => n.service)).toEqual(['agent-1', 'agent-2']);
    const allNats = topology.nats.map((n) => clientUrl(n.hostname));
    for (const n of topology.nodes) {
      expect(n.built, n.service).toBe(true);
      expect(n.waitsForHealthy.sort(), n.service).toEqual(['nats1', 'nats2', 'nats3']);
      expect(n.natsUrls.sort(), n.service).toEqual(allNats.sort());
      expect(n.team, n.service).toBe('demo');
      expect(n.args[0]).toBe('node');
    }
    // Each agent lives on exactly one node, and the coordinator expects exactly those.
    const hosted = agents.flatMap((n) => n.agents);
    expect(hosted).toEqual(['a1', 'a2']);
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

describe('the compose topology as local processes', () => {
  let cluster: NatsCluster;
  const connections: NatsConnection[] = [];
  const urls: Record<string, string> = {};
  beforeAll(async () => {
    cluster = await startNatsCluster({
      nodes: topology.nats.length,
      name: topology.nats[0]!.clusterName,
    });
    topology.nats.forEach((n, i) => (urls[n.service] = cluster.nodes[i]!.url));
  });
  afterAll(async () => {
    await Promise.all(connections.map((nc) => nc.close()));
    await cluster?.close();
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
    for (const [i, n] of cluster.nodes.entries()) {
      const health = await fetch(`http://${n.host}:${n.httpPort}/healthz`);
      expect(health.ok, topology.nats[i]!.service).toBe(true);
      const routez = (await (await fetch(`http://${n.host}:${n.httpPort}/routez`)).json()) as {
        num_routes: number;
      };
      expect(routez.num_routes, topology.nats[i]!.service).toBeGreaterThanOrEqual(2);
    }
    // Like a node: connect with every URL, provision with replicas 3, publish on one server,
    // consume through another.
    const coordinator = topology.nodes.find((n) => n.role === 'coordinator')!;
    const coordinatorArgs = localNodeArgs(coordinator, topology, urls);
    const servers = coordinatorArgs[coordinatorArgs.indexOf('--nats') + 1]!;
    const a = await connectNats({ servers });
    const b = await connectNats({ servers: cluster.nodes[2]!.url });
    connections.push(a, b);
    const resources = await provisionTeam(a, { team: 'demo', replicas: 3 });
    await jetstream(a).publish(resources.subjects.durableInbox('a1'), new Uint8Array([7]), {
      msgID: 'm1',
    });
    const info = await (await jetstreamManager(b)).streams.info(resources.inboxStream);
    expect(info.config.num_replicas).toBe(3);
    expect(info.state.messages).toBe(1);
    expect(info.cluster?.replicas?.length).toBe(2);
  });
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
