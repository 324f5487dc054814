import { randomBytes } from 'node:crypto';
import {
  headers as natsHeaders,
  jetstream,
  type MsgHdrs,
  type NatsConnection,
} from '@llm-teams/broker';
import { systemClock, type Clock, type TimerHandle } from './clock.js';
import { createRandom } from './random.js';
import { compileRetryPolicy, withRetry } from './retry-policy.js';

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
  /** Retry waits and the close timeout run on it. Default: the system clock. */
  clock?: Clock;
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

/** Storing a chunk: retried while the stream is unavailable, for as long as it takes. */
const PUBLISH_RETRY = compileRetryPolicy(
  { maxAttempts: Infinity, initialDelayMs: 100, maxDelayMs: 2000, jitter: 0 },
  {},
  'trace stream publish',
);

/** Retry waits carry no jitter: the draws of this source change nothing. */
export const NO_JITTER = createRandom('trace-stream');

/** An error's message, whatever was thrown. */
export const messageOf = (err: unknown) => String((err as Error)?.message ?? err);

export function createTraceStreamPublisher(
  options: TraceStreamPublisherOptions,
): TraceStreamPublisher {
  const host = options.host ?? randomBytes(6).toString('hex');
  const clock = options.clock ?? systemClock;
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
    try {
      await withRetry(() => js.publish(options.subject, m.data, { msgID, headers: h }), {
        policy: PUBLISH_RETRY,
        clock,
        random: NO_JITTER,
        // Too big for the server or the stream: retrying cannot help.
        retryable: (err) =>
          !abandoned && !/payload|size/i.test(messageOf(err)) && !options.nc.isClosed(),
        onRetry: () => void stats.retries++,
      });
      stats.published++;
      stats.bytes += m.data.length;
    } catch {
      stats.droppedBytes += m.data.length;
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
      let timer: TimerHandle;
      const timeout = new Promise<void>((r) => {
        timer = clock.setTimeout(r, options.closeTimeoutMs ?? 10_000);
      });
      await Promise.race([pump, timeout]);
      clock.clearTimeout(timer);
      if (pump) {
        abandoned = true;
        stats.droppedBytes += pendingBytes;
      }
    },
  };
}
