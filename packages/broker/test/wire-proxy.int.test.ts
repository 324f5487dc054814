import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  connectNats,
  createWireProxy,
  startNatsServer,
  type NatsConnection,
  type NatsServer,
  type WireProxy,
} from '@llm-teams/broker';

/** Open client connections the server reports (its monitoring endpoint). */
async function serverConnections(server: NatsServer): Promise<string[]> {
  const res = await fetch(`http://${server.host}:${server.httpPort}/connz`);
  const body = (await res.json()) as { connections?: { name?: string }[] };
  return (body.connections ?? []).map((c) => c.name ?? '');
}

async function waitFor(what: string, check: () => boolean | Promise<boolean>): Promise<void> {
  const deadline = Date.now() + 20_000;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 20));
  }
}

describe('wire proxy in front of nats-server', () => {
  let server: NatsServer;
  let proxy: WireProxy;
  const open: NatsConnection[] = [];
  const via = async (host: string, extra: Record<string, unknown> = {}) => {
    const nc = await connectNats({
      servers: await proxy.urls(host),
      name: host,
      pingIntervalMs: 200,
      maxPingOut: 2,
      extra: { ignoreClusterUpdates: true, ...extra },
    });
    open.push(nc);
    return nc;
  };

  beforeAll(async () => {
    server = await startNatsServer();
    proxy = createWireProxy({ servers: [{ name: server.name, url: server.url }] });
  });
  afterAll(async () => {
    await Promise.all(open.map((nc) => nc.close().catch(() => undefined)));
    await proxy.close();
    await server.close();
  });

  it('carries a host connection to the server, one listening port per host', async () => {
    const a = await via('ha');
    const b = await via('hb');
    expect(await proxy.urls('ha')).not.toEqual(await proxy.urls('hb'));
    const sub = b.subscribe('ping', { max: 1 });
    await b.flush();
    a.publish('ping', 'hello');
    for await (const m of sub) expect(m.string()).toBe('hello');
    const hosts = proxy.connections().map((c) => c.host);
    expect(hosts).toContain('ha');
    expect(hosts).toContain('hb');
  });

  it('latency holds every chunk, in order: a round trip takes at least twice the latency', async () => {
    const a = await via('slow');
    const b = await via('echo');
    b.subscribe('echo', { callback: (_e, m) => void m.respond(m.data) });
    await b.flush();
    proxy.add({
      id: 'lat',
      kind: 'latency',
      latencyMs: 150,
      jitterMs: 20,
      hosts: (h) => h === 'slow',
    });
    const started = Date.now();
    const replies = await Promise.all(
      [1, 2, 3].map((n) => a.request('echo', String(n), { timeout: 5000 })),
    );
    expect(replies.map((r) => r.string())).toEqual(['1', '2', '3']);
    expect(Date.now() - started).toBeGreaterThanOrEqual(2 * (150 - 20));
    expect(proxy.remove('lat')).toBe(true);
  });

  it('bandwidth: 20 KB at 20 KB/s cannot cross in under 0.75 s', async () => {
    const a = await via('thin');
    const b = await via('wide');
    let got = 0;
    const done = new Promise<void>((resolve) =>
      b.subscribe('bulk', {
        callback: (_e, m) => {
          got += m.data.length;
          if (got >= 20_000) resolve();
        },
      }),
    );
    await b.flush();
    proxy.add({
      id: 'bw',
      kind: 'bandwidth',
      bytesPerSecond: 20_000,
      hosts: (h) => h === 'thin',
      direction: 'to-server',
    });
    const started = Date.now();
    for (let i = 0; i < 5; i++) a.publish('bulk', new Uint8Array(4000));
    await done;
    expect(Date.now() - started).toBeGreaterThanOrEqual(750);
    proxy.remove('bw');
  });

  it('a partition holds what the host sends until it heals; its requests time out meanwhile', async () => {
    const cut = await via('cut');
    const peer = await via('peer');
    const seen: string[] = [];
    peer.subscribe('note', { callback: (_e, m) => void seen.push(m.string()) });
    peer.subscribe('svc', { callback: (_e, m) => void m.respond('ok') });
    await peer.flush();
    const { connections } = proxy.add({
      id: 'p',
      kind: 'partition',
      hosts: (h) => h === 'cut',
    });
    expect(connections).toBe(1);
    cut.publish('note', 'during');
    await expect(cut.request('svc', '', { timeout: 300 })).rejects.toThrow();
    // The peer, on another link, works as before and sees nothing of the held message.
    expect((await peer.request('svc', '', { timeout: 2000 })).string()).toBe('ok');
    expect(seen).toEqual([]);
    proxy.remove('p');
    await waitFor('the held message after the heal', () => seen.includes('during'));
    expect((await cut.request('svc', '', { timeout: 2000 })).string()).toBe('ok');
  });

  it('reset: the host sees its connection drop and reconnects through the proxy', async () => {
    const nc = await via('resetme');
    const events: string[] = [];
    void (async () => {
      for await (const s of nc.status()) events.push(s.type);
    })();
    expect(proxy.add({ id: 'r', kind: 'reset', hosts: (h) => h === 'resetme' })).toEqual({
      connections: 1,
    });
    await waitFor('a reconnect', () => events.includes('reconnect'));
    expect(events).toContain('disconnect');
    await nc.flush();
  });

  it('half-open: the server sees the host leave while the host still believes it is connected', async () => {
    const nc = await via('ghost', { reconnect: false });
    await waitFor('the server to list the host', async () =>
      (await serverConnections(server)).includes('ghost'),
    );
    proxy.add({ id: 'h', kind: 'half_open', hosts: (h) => h === 'ghost' });
    await waitFor(
      'the server to drop the host',
      async () => !(await serverConnections(server)).includes('ghost'),
    );
    expect(nc.isClosed()).toBe(false);
    expect(proxy.connections().find((c) => c.host === 'ghost')?.state).toBe('half-open');
    // Only its pings reveal it: unanswered, the client gives up on the connection.
    await nc.closed();
    expect(nc.isClosed()).toBe(true);
  });
});
