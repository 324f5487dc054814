/**
 * System time: it delays and paces real bytes on real sockets, so it runs on the machine's time.
 */
import { createServer, connect, type Server, type Socket } from 'node:net';
import { BrokerError } from './errors.js';

/** Which way bytes flow on a link: from the host to its server, or back. */
export type WireDirection = 'to-server' | 'to-host';

/** What a wire fault does to the links it selects. */
export type WireEffect =
  /** Each chunk waits `latencyMs` plus a uniform draw in ±`jitterMs`; the byte stream keeps
   *  its order (TCP), so a chunk never overtakes an earlier one. */
  | { kind: 'latency'; latencyMs: number; jitterMs?: number }
  /** At most this many bytes a second; the sender is paused when a megabyte is waiting. */
  | { kind: 'bandwidth'; bytesPerSecond: number }
  /** Nothing gets through (a blackhole): bytes wait, as TCP retransmits them, and flow in
   *  order when it heals — unless an end gave up on the connection meanwhile. A connection's
   *  close waits too, so the other side keeps a ghost until its pings time out. */
  | { kind: 'partition' }
  /** Once: every selected open connection is reset (RST to both ends). */
  | { kind: 'reset' }
  /** Once: every selected open connection is closed on one side only. `host` (default): the
   *  server sees the host leave, the host believes it is still connected and talks into the
   *  void until its pings time out. `server`: the host sees a close and reconnects; the
   *  server keeps the dead connection (and its subscriptions) until its own pings time out. */
  | { kind: 'half_open'; side?: 'host' | 'server' };

/** A wire fault: an effect on the links between the selected hosts and servers. */
export type WireFault = WireEffect & {
  id: string;
  /** Hosts it acts on. Default: every host. */
  hosts?: (host: string) => boolean;
  /** Servers it acts on. Default: every server. */
  servers?: (server: string) => boolean;
  /** Default `both`. */
  direction?: 'both' | WireDirection;
};

export interface WireProxyOptions {
  /** The NATS servers behind the proxy (a cluster's nodes, or one server). */
  servers: readonly { name: string; url: string }[];
  /** Interface the proxy listens on. Default 127.0.0.1. */
  listenHost?: string;
  /** Uniform draws in [0, 1) for jitter. Default: a generator with a fixed seed. */
  random?: () => number;
}

/** One proxied connection. */
export interface WireConnection {
  id: number;
  host: string;
  server: string;
  /** `half-open`: one end was closed by a `half_open` fault. */
  state: 'open' | 'half-open';
  bytesToServer: number;
  bytesToHost: number;
}

/**
 * A TCP proxy in front of NATS servers, where network faults are applied. Each host gets its
 * own listening port per server (`urls(host)`), so a fault can select links by host and by
 * server and hits everything a host does over its connection: core messages, JetStream, KV,
 * heartbeats. A host connecting through it must ignore the cluster's gossip of other servers'
 * addresses (nats.js `ignoreClusterUpdates`), or it would reconnect around the proxy.
 */
export interface WireProxy {
  /** The URLs `host` connects to instead of the servers' (one per server, in order). */
  urls(host: string): Promise<string[]>;
  /** Starts a fault. `reset` and `half_open` act once, on the connections open now; the
   *  others last until removed. Returns how many open connections it selected. */
  add(fault: WireFault): { connections: number };
  /** Ends a fault: held bytes flow again. False when no such fault is active. */
  remove(id: string): boolean;
  /** Ends every lasting fault; returns their ids. */
  clear(): string[];
  /** Ids of the lasting faults in force. */
  faults(): string[];
  connections(): WireConnection[];
  close(): Promise<void>;
}

export function createWireProxy(options: WireProxyOptions): WireProxy {
  if (options.servers.length === 0) {
    throw new BrokerError('INVALID_OPTIONS', 'a wire proxy needs at least one server');
  }
  return new TcpProxy(options);
}

/** Bytes waiting in one direction before the sender is paused, and resumed. */
const HIGH_WATER = 1 << 20;
const LOW_WATER = 1 << 18;

type Chunk = { data: Buffer; at: number } | { end: true; at: number };

/** A small seeded generator (mulberry32) for the default jitter draws. */
function seeded(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

class TcpProxy implements WireProxy {
  readonly #options: WireProxyOptions;
  readonly #random: () => number;
  readonly #listeners = new Map<string, Promise<Server>>();
  readonly #links = new Set<Link>();
  readonly #faults = new Map<string, WireFault>();
  #nextId = 1;
  #closed = false;

  constructor(options: WireProxyOptions) {
    this.#options = options;
    this.#random = options.random ?? seeded(1);
  }

  async urls(host: string): Promise<string[]> {
    if (this.#closed) throw new BrokerError('INVALID_OPTIONS', 'the wire proxy is closed');
    return Promise.all(
      this.#options.servers.map(async (server) => {
        const key = `${host}\u0000${server.name}`;
        let listener = this.#listeners.get(key);
        if (!listener) {
          listener = this.#listen(host, server);
          this.#listeners.set(key, listener);
        }
        const address = (await listener).address();
        const port = typeof address === 'object' && address ? address.port : 0;
        const target = new URL(server.url);
        // Credentials in the server's URL stay in the proxied one.
        const auth = target.username
          ? `${target.username}${target.password ? `:${target.password}` : ''}@`
          : '';
        return `nats://${auth}${this.#options.listenHost ?? '127.0.0.1'}:${port}`;
      }),
    );
  }

  #listen(host: string, server: { name: string; url: string }): Promise<Server> {
    const target = new URL(server.url);
    const listener = createServer({ allowHalfOpen: true }, (client) => {
      if (this.#closed) return client.destroy();
      const upstream = connect({
        host: target.hostname,
        port: Number(target.port || 4222),
        allowHalfOpen: true,
      });
      const link = new Link(this, this.#nextId++, host, server.name, client, upstream);
      this.#links.add(link);
      link.onClosed = () => this.#links.delete(link);
    });
    return new Promise((resolve, reject) => {
      listener.once('error', reject);
      listener.listen({ port: 0, host: this.#options.listenHost ?? '127.0.0.1' }, () => {
        listener.off('error', reject);
        resolve(listener);
      });
    });
  }

  #selects(fault: WireFault, link: Link, direction?: WireDirection): boolean {
    if (fault.hosts && !fault.hosts(link.host)) return false;
    if (fault.servers && !fault.servers(link.server)) return false;
    const d = fault.direction ?? 'both';
    return direction === undefined || d === 'both' || d === direction;
  }

  /** Whether a partition holds this direction of the link now. */
  blocked(link: Link, direction: WireDirection): boolean {
    for (const f of this.#faults.values()) {
      if (f.kind === 'partition' && this.#selects(f, link, direction)) return true;
    }
    return false;
  }

  /** When a chunk pushed now may leave: latency and jitter, then bandwidth after `last`. */
  releaseAt(link: Link, direction: WireDirection, bytes: number, last: number): number {
    const now = Date.now();
    let at = now;
    let rate = Infinity;
    for (const f of this.#faults.values()) {
      if (!this.#selects(f, link, direction)) continue;
      if (f.kind === 'latency') {
        const jitter = f.jitterMs ? (this.#random() * 2 - 1) * f.jitterMs : 0;
        at += Math.max(0, f.latencyMs + jitter);
      } else if (f.kind === 'bandwidth') rate = Math.min(rate, f.bytesPerSecond);
    }
    at = Math.max(at, last);
    return rate === Infinity ? at : Math.max(at, last, now) + (bytes / rate) * 1000;
  }

  add(fault: WireFault): { connections: number } {
    const hit = [...this.#links].filter((l) => this.#selects(fault, l));
    if (fault.kind === 'reset') for (const l of hit) l.reset();
    else if (fault.kind === 'half_open') for (const l of hit) l.halfOpen(fault.side ?? 'host');
    else {
      this.#faults.set(fault.id, fault);
      for (const l of this.#links) l.kick();
    }
    return { connections: hit.length };
  }

  remove(id: string): boolean {
    const had = this.#faults.delete(id);
    if (had) for (const l of this.#links) l.kick();
    return had;
  }

  clear(): string[] {
    const ids = [...this.#faults.keys()];
    this.#faults.clear();
    for (const l of this.#links) l.kick();
    return ids;
  }

  faults(): string[] {
    return [...this.#faults.keys()];
  }

  connections(): WireConnection[] {
    return [...this.#links].map((l) => l.describe());
  }

  async close(): Promise<void> {
    if (this.#closed) return;
    this.#closed = true;
    this.#faults.clear();
    for (const l of [...this.#links]) l.destroy();
    const listeners = await Promise.all(
      [...this.#listeners.values()].map((p) => p.catch(() => undefined)),
    );
    await Promise.all(
      listeners.map((l) => (l ? new Promise<void>((r) => l.close(() => r())) : Promise.resolve())),
    );
  }
}

/** One direction of a link: a queue of chunks, each with the time it may leave. */
class Pipe {
  readonly #queue: Chunk[] = [];
  #bytes = 0;
  #last = 0;
  #timer: NodeJS.Timeout | undefined;
  #ended = false;
  /** Half-open: what arrives goes nowhere. */
  discard = false;
  forwarded = 0;

  constructor(
    readonly link: Link,
    readonly direction: WireDirection,
    readonly src: Socket,
    readonly dst: Socket,
  ) {
    src.on('data', (data: Buffer) => this.push(data));
    src.on('end', () => this.end());
  }

  push(data: Buffer): void {
    if (this.discard || this.#ended) return;
    const at = this.link.proxy.releaseAt(this.link, this.direction, data.length, this.#last);
    this.#last = at;
    this.#queue.push({ data, at });
    this.#bytes += data.length;
    if (this.#bytes > HIGH_WATER) this.src.pause();
    this.pump();
  }

  /** The source closed: the close travels behind the bytes before it. */
  end(): void {
    if (this.#ended) return;
    this.#ended = true;
    this.#queue.push({ end: true, at: this.#last });
    this.pump();
  }

  pump(): void {
    clearTimeout(this.#timer);
    this.#timer = undefined;
    if (this.link.proxy.blocked(this.link, this.direction)) return;
    const now = Date.now();
    while (this.#queue.length > 0) {
      const head = this.#queue[0]!;
      if (head.at > now) {
        this.#timer = setTimeout(() => this.pump(), head.at - now);
        this.#timer.unref();
        break;
      }
      this.#queue.shift();
      if ('end' in head) {
        this.link.delivered(this.direction);
        continue;
      }
      this.#bytes -= head.data.length;
      if (!this.discard && !this.dst.destroyed && this.dst.writable) {
        this.dst.write(head.data);
        this.forwarded += head.data.length;
      }
    }
    if (this.#bytes < LOW_WATER && this.src.isPaused()) this.src.resume();
  }

  stop(): void {
    clearTimeout(this.#timer);
    this.#queue.length = 0;
  }
}

class Link {
  readonly up: Pipe;
  readonly down: Pipe;
  #half: 'host' | 'server' | undefined;
  #ends = 0;
  #closed = false;
  onClosed: () => void = () => undefined;

  constructor(
    readonly proxy: TcpProxy,
    readonly id: number,
    readonly host: string,
    readonly server: string,
    readonly client: Socket,
    readonly upstream: Socket,
  ) {
    this.up = new Pipe(this, 'to-server', client, upstream);
    this.down = new Pipe(this, 'to-host', upstream, client);
    client.setNoDelay(true);
    upstream.setNoDelay(true);
    // An abrupt close (a reset, a refused connection) reaches the other end like a clean one,
    // behind what was already sent and only once any partition heals.
    client.on('error', () => undefined);
    upstream.on('error', () => undefined);
    client.on('close', () => this.#gone('client'));
    upstream.on('close', () => this.#gone('upstream'));
  }

  #gone(side: 'client' | 'upstream'): void {
    // A half-open link never tells the end that was left believing in it.
    if (this.#half === 'host' && side === 'upstream') return;
    if (this.#half === 'server' && side === 'client') return;
    (side === 'client' ? this.up : this.down).end();
    if (this.client.destroyed && this.upstream.destroyed) this.destroy();
  }

  /** A close has crossed the link in `direction`. */
  delivered(direction: WireDirection): void {
    const dst = direction === 'to-server' ? this.upstream : this.client;
    dst.end();
    if (++this.#ends >= 2) this.destroy();
  }

  kick(): void {
    this.up.pump();
    this.down.pump();
  }

  reset(): void {
    this.client.resetAndDestroy();
    this.upstream.resetAndDestroy();
    this.destroy();
  }

  halfOpen(side: 'host' | 'server'): void {
    if (this.#half) return;
    this.#half = side;
    this.up.discard = true;
    this.down.discard = true;
    this.up.stop();
    this.down.stop();
    if (side === 'host') this.upstream.destroy();
    else this.client.destroy();
  }

  describe(): WireConnection {
    return {
      id: this.id,
      host: this.host,
      server: this.server,
      state: this.#half ? 'half-open' : 'open',
      bytesToServer: this.up.forwarded,
      bytesToHost: this.down.forwarded,
    };
  }

  destroy(): void {
    if (this.#closed) return;
    this.#closed = true;
    this.up.stop();
    this.down.stop();
    this.client.destroy();
    this.upstream.destroy();
    this.onClosed();
  }
}
