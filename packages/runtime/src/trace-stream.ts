import { randomBytes } from 'node:crypto';
import {
  DeliverPolicy,
  headers as natsHeaders,
  jetstream,
  type MsgHdrs,
  type NatsConnection,
} from '@llm-teams/broker';
import { RuntimeError } from './errors.js';
import { parseTrace } from './trace-recorder.js';
import type { TraceEvent } from './trace-event.js';

/**
 * The team's trace stream: every host publishes the chunks its trace recorder flushes (JSON
 * Lines, exactly the bytes of its trace file) on the team's trace subject, which a bounded
 * JetStream stream captures. The director merges them into one trace; `llm-teams collect`
 * reads them after the fact; live watchers subscribe to the subject.
 *
 * Each message carries headers naming its publisher: `Llmt-Trace-Host` (random per
 * publisher, so two processes given the same node name stay apart), `Llmt-Trace-Node` (the
 * trace's node name) and `Llmt-Trace-Part` (`open` once at start, `chunk`, `end` once at
 * close; markers have an empty body). `Nats-Msg-Id` is `<host>.<n>`, so a retried publish is
 * stored once.
 */
export const TRACE_HOST_HEADER = 'Llmt-Trace-Host';
export const TRACE_NODE_HEADER = 'Llmt-Trace-Node';
export const TRACE_PART_HEADER = 'Llmt-Trace-Part';

export type TraceStreamPart = 'open' | 'chunk' | 'end';

export interface TraceStreamPublisherOptions {
  nc: NatsConnection;
  /** The team's trace subject (`TeamSubjects.trace`). */
  subject: string;
  /** This host's node name, as its trace events carry it. */
  node: string;
  /** Publisher id; default random (unique per process). */
  host?: string;
  /** Chunks waiting to be published are coalesced into messages of at most this size.
   *  Default 262144 (the server's default payload limit is 1 MiB). */
  maxMessageBytes?: number;
  /** While the stream is unavailable (a server failing over), at most this many bytes wait;
   *  beyond, the oldest are dropped and counted. Default 33554432 (32 MiB). */
  maxPendingBytes?: number;
  /** How long `close()` waits for the backlog to be stored. Default 10000. */
  closeTimeoutMs?: number;
}

export interface TraceStreamStats {
  /** Messages stored (markers included). */
  published: number;
  bytes: number;
  retries: number;
  /** Bytes of trace dropped: over `maxPendingBytes`, larger than the server takes, or still
   *  waiting at close. */
  droppedBytes: number;
}

/**
 * Publishes trace chunks to the team's trace stream. Plugs into a trace recorder as its
 * `live` sink: `publish` only queues the chunk (the recorder's flush stays synchronous and
 * cheap); one loop stores the queue in order, one JetStream publish at a time, retrying with
 * backoff while the stream is unavailable.
 */
export interface TraceStreamPublisher {
  readonly subject: string;
  readonly host: string;
  readonly stats: Readonly<TraceStreamStats>;
  /** Queues one flushed chunk (the recorder's `live.publish`). */
  publish(subject: string, data: Uint8Array): void;
  /** Stores what is queued, then the `end` marker; waits at most `closeTimeoutMs`. */
  close(): Promise<void>;
}

interface Pending {
  part: TraceStreamPart;
  data: Uint8Array;
}

const EMPTY = new Uint8Array(0);

export function createTraceStreamPublisher(
  options: TraceStreamPublisherOptions,
): TraceStreamPublisher {
  const host = options.host ?? randomBytes(6).toString('hex');
  const maxMessage = options.maxMessageBytes ?? 262_144;
  const maxPending = options.maxPendingBytes ?? 33_554_432;
  const js = jetstream(options.nc, { timeout: 5000 });
  const stats: TraceStreamStats = { published: 0, bytes: 0, retries: 0, droppedBytes: 0 };
  const queue: Pending[] = [{ part: 'open', data: EMPTY }];
  let pendingBytes = 0;
  let n = 0;
  let closing = false;
  let abandoned = false;
  let pump: Promise<void> | undefined;

  /** Takes the next message off the queue: a marker alone, or chunks up to `maxMessage`. */
  const next = (): Pending | undefined => {
    const head = queue[0];
    if (!head) return undefined;
    if (head.part !== 'chunk' || queue.length === 1 || head.data.length >= maxMessage) {
      queue.shift();
      pendingBytes -= head.data.length;
      return head;
    }
    const parts: Uint8Array[] = [];
    let size = 0;
    while (queue[0]?.part === 'chunk' && size + queue[0].data.length <= maxMessage) {
      const c = queue.shift()!;
      parts.push(c.data);
      size += c.data.length;
    }
    pendingBytes -= size;
    return { part: 'chunk', data: Buffer.concat(parts, size) };
  };

  const send = async (m: Pending): Promise<void> => {
    const h: MsgHdrs = natsHeaders();
    h.set(TRACE_HOST_HEADER, host);
    h.set(TRACE_NODE_HEADER, options.node);
    h.set(TRACE_PART_HEADER, m.part);
    const msgID = `${host}.${n++}`;
    for (let delay = 100; ; delay = Math.min(delay * 2, 2000)) {
      try {
        await js.publish(options.subject, m.data, { msgID, headers: h });
        stats.published++;
        stats.bytes += m.data.length;
        return;
      } catch (err) {
        // Too big for the server or the stream: retrying cannot help.
        const tooBig = /payload|size/i.test(String((err as Error)?.message ?? err));
        if (abandoned || tooBig || options.nc.isClosed()) {
          stats.droppedBytes += m.data.length;
          return;
        }
        stats.retries++;
        await new Promise((r) => setTimeout(r, delay).unref());
      }
    }
  };

  const drain = async () => {
    for (let m = next(); m; m = next()) await send(m);
    pump = undefined;
  };
  const kick = () => {
    pump ??= drain();
  };

  kick();
  return {
    subject: options.subject,
    host,
    stats,
    publish(_subject, data) {
      if (closing || data.length === 0) return;
      queue.push({ part: 'chunk', data });
      pendingBytes += data.length;
      while (pendingBytes > maxPending && queue.length > 1) {
        const i = queue.findIndex((q) => q.part === 'chunk');
        if (i < 0) break;
        const [old] = queue.splice(i, 1);
        pendingBytes -= old!.data.length;
        stats.droppedBytes += old!.data.length;
      }
      kick();
    },
    async close() {
      if (closing) return;
      closing = true;
      queue.push({ part: 'end', data: EMPTY });
      kick();
      let timer: NodeJS.Timeout | undefined;
      const timeout = new Promise<void>((r) => {
        timer = setTimeout(r, options.closeTimeoutMs ?? 10_000);
      });
      await Promise.race([pump, timeout]);
      clearTimeout(timer);
      if (pump) {
        abandoned = true;
        stats.droppedBytes += pendingBytes;
      }
    },
  };
}

/** One publisher's part of a trace stream. */
export interface TraceStreamHost {
  host: string;
  node: string;
  /** Whether its `end` marker was read. */
  ended: boolean;
  events: TraceEvent[];
}

export interface ReadTraceStreamOptions {
  nc: NatsConnection;
  /** The team's trace stream (`TeamResources.traceStream`). */
  stream: string;
  /** Keep reading until every publisher seen has closed (its `end` marker), or nothing new
   *  arrived for `quietMs`, or `timeoutMs` passed. Default false: read what is there. */
  waitForEnds?: boolean;
  /** Default 3000. */
  quietMs?: number;
  /** Default 30000. */
  timeoutMs?: number;
}

/**
 * Reads a team's trace stream from its start, per publisher in publishing order. With
 * `waitForEnds`, waits for the hosts still running (the nodes of a run that just ended) to
 * store their last chunks.
 */
export async function readTraceStream(options: ReadTraceStreamOptions): Promise<TraceStreamHost[]> {
  const js = jetstream(options.nc, { timeout: 5000 });
  const started = Date.now();
  const limitMs = options.timeoutMs ?? 30_000;
  // Right after a server of the cluster died, JetStream requests time out until new leaders
  // are elected: keep asking, within the time limit. A stream that does not exist is final.
  const { consumer, info } = await (async () => {
    for (let delay = 250; ; delay = Math.min(delay * 2, 2000)) {
      try {
        const c = await js.consumers.get(options.stream, { deliver_policy: DeliverPolicy.All });
        return { consumer: c, info: await c.info(true) };
      } catch (err) {
        const missing = /not found/i.test(String((err as Error)?.message ?? err));
        if (missing || Date.now() - started + delay > limitMs) throw err;
        await new Promise((r) => setTimeout(r, delay));
      }
    }
  })();
  const hosts = new Map<string, TraceStreamHost>();
  const quietMs = options.quietMs ?? 3000;
  let remaining = info.num_pending;
  const allEnded = () => [...hosts.values()].every((h) => h.ended);
  const finished = () => remaining <= 0 && (!options.waitForEnds || allEnded());
  if (finished()) return [];
  const messages = await consumer.consume({ max_messages: 256 });
  let quiet: NodeJS.Timeout | undefined;
  const arm = () => {
    clearTimeout(quiet);
    const left = limitMs - (Date.now() - started);
    quiet = setTimeout(() => void messages.stop(), Math.max(1, Math.min(quietMs, left)));
  };
  arm();
  try {
    for await (const m of messages) {
      arm();
      remaining = m.info.pending;
      const id = m.headers?.get(TRACE_HOST_HEADER) ?? '';
      const node = m.headers?.get(TRACE_NODE_HEADER) ?? '';
      const part = (m.headers?.get(TRACE_PART_HEADER) ?? 'chunk') as TraceStreamPart;
      let h = hosts.get(id);
      if (!h) hosts.set(id, (h = { host: id, node, ended: false, events: [] }));
      if (part === 'end') h.ended = true;
      else if (m.data.length > 0) h.events.push(...parseTrace(new TextDecoder().decode(m.data)));
      if (finished()) break;
    }
  } finally {
    clearTimeout(quiet);
    await messages.close().catch(() => undefined);
  }
  return [...hosts.values()];
}

export interface FollowTraceStreamOptions {
  nc: NatsConnection;
  /** The team's trace stream (`TeamResources.traceStream`). */
  stream: string;
  /** Each stored message's events, in each publisher's order, as they arrive. */
  onEvents(host: TraceStreamHost, events: readonly TraceEvent[]): void;
  /** A publisher stored its `end` marker (its host closed its trace). */
  onHostEnd?: (host: TraceStreamHost) => void;
  /** Once, when what the stream held at the start has been read. */
  onCaughtUp?: () => void;
  /** How long to wait for the stream to exist (a team about to start). Default 0: a stream
   *  that does not exist fails at once (`RuntimeError` code `TRACE_STREAM_MISSING`). */
  waitForStreamMs?: number;
  /** Once, when the stream does not exist yet and `waitForStreamMs` says to wait for it. */
  onWaitingForStream?: () => void;
}

/** What a follower has read. */
export interface TraceStreamFollower {
  /** Every publisher seen, its events so far. */
  readonly hosts: ReadonlyMap<string, TraceStreamHost>;
  /** Messages whose body is not trace JSON Lines (anyone allowed on the subject can publish
   *  one): skipped, counted here, never delivered. */
  readonly malformed: number;
  /** Resolves when following stopped: `close()`, or the stream or connection went away. */
  readonly stopped: Promise<void>;
  close(): Promise<void>;
}

const isMissing = (err: unknown) => /not found/i.test(String((err as Error)?.message ?? err));

/**
 * Follows a team's trace stream live: reads it from its start, then every chunk as hosts
 * store it, until `close()`. What `llm-teams watch` and `view --live` read.
 */
export async function followTraceStream(
  options: FollowTraceStreamOptions,
): Promise<TraceStreamFollower> {
  const js = jetstream(options.nc, { timeout: 5000 });
  const deadline = Date.now() + (options.waitForStreamMs ?? 0);
  let told = false;
  const { consumer, info } = await (async () => {
    for (let delay = 100; ; delay = Math.min(delay * 2, 1000)) {
      try {
        const c = await js.consumers.get(options.stream, { deliver_policy: DeliverPolicy.All });
        return { consumer: c, info: await c.info(true) };
      } catch (err) {
        if (Date.now() + delay > deadline) {
          if (!isMissing(err)) throw err;
          throw new RuntimeError('TRACE_STREAM_MISSING', `no trace stream ${options.stream}`, {
            cause: err,
          });
        }
        if (!told && isMissing(err)) options.onWaitingForStream?.();
        told ||= isMissing(err);
        await new Promise((r) => setTimeout(r, delay));
      }
    }
  })();
  const hosts = new Map<string, TraceStreamHost>();
  let malformed = 0;
  let caughtUp = false;
  const catchUp = () => {
    if (caughtUp) return;
    caughtUp = true;
    options.onCaughtUp?.();
  };
  if (info.num_pending === 0) catchUp();
  const messages = await consumer.consume({ max_messages: 256 });
  const decoder = new TextDecoder();
  const stopped = (async () => {
    for await (const m of messages) {
      const id = m.headers?.get(TRACE_HOST_HEADER) ?? '';
      let h = hosts.get(id);
      if (!h) {
        const node = m.headers?.get(TRACE_NODE_HEADER) ?? '';
        hosts.set(id, (h = { host: id, node, ended: false, events: [] }));
      }
      const part = m.headers?.get(TRACE_PART_HEADER) ?? 'chunk';
      if (part === 'end') {
        h.ended = true;
        options.onHostEnd?.(h);
      } else if (m.data.length > 0) {
        let events: TraceEvent[] | undefined;
        try {
          events = parseTrace(decoder.decode(m.data), { source: options.stream });
        } catch {
          malformed++;
        }
        if (events && events.length > 0) {
          for (const e of events) h.events.push(e);
          options.onEvents(h, events);
        }
      }
      if (m.info.pending === 0) catchUp();
    }
  })();
  return {
    hosts,
    get malformed() {
      return malformed;
    },
    stopped,
    async close() {
      await messages.close().catch(() => undefined);
      await stopped.catch(() => undefined);
    },
  };
}
