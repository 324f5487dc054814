import { existsSync } from 'node:fs';
import { afterEach, describe, expect, it } from 'vitest';
import { deferred, until } from '@llm-teams/testkit';
import {
  BrokerError,
  connectNats,
  findNatsServerBinary,
  isTransientNatsFailure,
  provisionTeam,
  startNatsCluster,
  startNatsServer,
  jetstream,
  type NatsCluster,
  type NatsServer,
} from '@llm-teams/broker';

function processAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

describe('embedded nats-server', () => {
  let server: NatsServer | undefined;
  afterEach(async () => {
    await server?.close();
    server = undefined;
  });

  it('starts on a free port with JetStream, accepts a connection, and stops without leftovers', async () => {
    server = await startNatsServer();
    const { pid, dir } = server;
    expect(pid).toBeTypeOf('number');
    expect(existsSync(dir)).toBe(true);
    const nc = await connectNats({ servers: server.url });
    const sub = nc.subscribe('hello', { max: 1 });
    nc.publish('hello', 'world');
    for await (const m of sub) expect(m.string()).toBe('world');
    const resources = await provisionTeam(nc, { team: 'alpha' });
    const ack = await jetstream(nc).publish(resources.subjects.durableInbox('a1'), 'x');
    expect(ack.stream).toBe(resources.inboxStream);
    await nc.close();
    expect(server.log()).toMatch(/Server is ready/);

    await server.close();
    server = undefined;
    expect(processAlive(pid!)).toBe(false);
    expect(existsSync(dir)).toBe(false);
  });

  it('restarts on the same port with its JetStream store intact', async () => {
    server = await startNatsServer();
    let nc = await connectNats({ servers: server.url, maxReconnectAttempts: 0 });
    const res = await provisionTeam(nc, { team: 'beta' });
    const kv = await res.bucket('board');
    await kv.put('t1', 'claimed');
    await nc.close();
    await server.stop({ signal: 'SIGKILL' });
    expect(server.running).toBe(false);
    await server.start();
    nc = await connectNats({ servers: server.url });
    const again = await provisionTeam(nc, { team: 'beta' });
    const entry = await (await again.bucket('board')).get('t1');
    expect(entry?.string()).toBe('claimed');
    await nc.close();
  });

  it('provisioning is idempotent', async () => {
    server = await startNatsServer();
    const nc = await connectNats({ servers: server.url });
    const a = await provisionTeam(nc, { team: 'gamma' });
    const b = await provisionTeam(nc, { team: 'gamma' });
    expect(b.buckets).toEqual(a.buckets);
    await nc.close();
  });

  it('names the install command when the binary is missing', () => {
    expect(() => findNatsServerBinary({ PATH: '/nonexistent', NATS_SERVER_BIN: '' })).not.toThrow(
      /NATS_SERVER_BIN/,
    );
    try {
      findNatsServerBinary({ NATS_SERVER_BIN: '/nonexistent/nats-server' });
      expect.unreachable();
    } catch (err) {
      expect(err).toBeInstanceOf(BrokerError);
      expect((err as BrokerError).code).toBe('NATS_SERVER_NOT_FOUND');
      expect((err as Error).message).toContain('apt-get install -y nats-server');
    }
  });
});

describe('local cluster', () => {
  let cluster: NatsCluster | undefined;
  afterEach(async () => {
    await cluster?.close();
    cluster = undefined;
  });

  it('routes messages between nodes, keeps replicated KV through a node restart', async () => {
    cluster = await startNatsCluster({ nodes: 3 });
    expect(cluster.urls).toHaveLength(3);
    const [u1, u2, u3] = cluster.urls;
    const a = await connectNats({ servers: u1! });
    const b = await connectNats({ servers: u3! });
    const got = deferred<string>();
    b.subscribe('x.y', { max: 1, callback: (_err, m) => got.resolve(m.string()) });
    await b.flush();
    // Interest crosses the route asynchronously: publish until it has (at most 20 s).
    let received: string | undefined;
    void got.promise.then((v) => (received = v));
    for (let i = 0; i < 200 && received === undefined; i++) {
      a.publish('x.y', 'across');
      await Promise.race([got.promise, new Promise((r) => setTimeout(r, 100))]);
    }
    expect(await got.promise).toBe('across');

    const res = await provisionTeam(a, { team: 'delta', replicas: 3 });
    const kv = await res.bucket('files');
    await kv.put('f', 'v1');
    await a.close();
    await b.close();

    await cluster.stopNode('n1', { signal: 'SIGKILL' });
    expect(cluster.node('n1').running).toBe(false);
    const c = await connectNats({ servers: [u2!, u3!] });
    const kv2 = await (await provisionTeam(c, { team: 'delta', replicas: 3 })).bucket('files');
    // When n1 led the bucket, its stream elects a new leader first: reads fail as "temporarily
    // unavailable" until then (seconds on a loaded machine). What must hold is the value.
    let value: string | undefined;
    await until(
      'the bucket readable on the surviving nodes',
      async () => {
        const entry = await kv2.get('f').catch((err: unknown) => {
          if (!isTransientNatsFailure(err)) throw err;
          return undefined;
        });
        value = entry?.string();
        return entry !== undefined;
      },
      60_000,
    );
    expect(value).toBe('v1');
    await cluster.restartNode('n1');
    expect(cluster.node('n1').running).toBe(true);
    await c.close();
    expect(() => cluster!.node('n9')).toThrow(/no node "n9".*n1, n2, n3/);
  }, 120_000);
});
