import { DeliverPolicy, jetstream, type NatsConnection } from '@llm-teams/broker';
import { systemClock, type Clock, type TimerHandle } from './clock.js';
import { RuntimeError } from './errors.js';
import { compileRetryPolicy, withRetry, type CompiledRetryPolicy } from './retry-policy.js';
import type { TraceEvent } from './trace-event.js';
import { parseTrace } from './trace-recorder.js';
import {
  messageOf,
  NO_JITTER,
  TRACE_HOST_HEADER,
  TRACE_NODE_HEADER,
  TRACE_PART_HEADER,
  type TraceStreamPart,
} from './trace-stream.js';

/**
 * Reading the team's trace stream (`trace-stream.ts` publishes it): all of it once, after a
 * run (`llm-teams collect`, the director's merge), or live (`llm-teams watch`, `view --live`).
 */

const isMissing = (err: unknown) => /not found/i.test(messageOf(err));

/** Opens a consumer on `stream` from its start, retried as `policy` says. */
function openConsumer(
  js: ReturnType<typeof jetstream>,
  stream: string,
  clock: Clock,
  policy: CompiledRetryPolicy,
  retry: { retryable?: (err: unknown) => boolean; onRetry?: (err: unknown) => void },
) {
  return withRetry(
    async () => {
      const c = await js.consumers.get(stream, { deliver_policy: DeliverPolicy.All });
      return { consumer: c, info: await c.info(true) };
    },
    { policy, clock, random: NO_JITTER, ...retry },
  );
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
  /** The time limit, the quiet timer and retry waits run on it. Default: the system clock. */
  clock?: Clock;
}

/**
 * Reads a team's trace stream from its start, per publisher in publishing order. With
 * `waitForEnds`, waits for the hosts still running (the nodes of a run that just ended) to
 * store their last chunks.
 */
export async function readTraceStream(options: ReadTraceStreamOptions): Promise<TraceStreamHost[]> {
  const js = jetstream(options.nc, { timeout: 5000 });
  const clock = options.clock ?? systemClock;
  const started = clock.now();
  const limitMs = options.timeoutMs ?? 30_000;
  // Right after a server of the cluster died, JetStream requests time out until new leaders
  // are elected: keep asking, within the time limit. A stream that does not exist is final.
  const policy = compileRetryPolicy(
    { maxAttempts: Infinity, initialDelayMs: 250, maxDelayMs: 2000, jitter: 0, budgetMs: limitMs },
    {},
    'trace stream read',
  );
  const { consumer, info } = await openConsumer(js, options.stream, clock, policy, {
    retryable: (err) => !isMissing(err),
  });
  const hosts = new Map<string, TraceStreamHost>();
  const quietMs = options.quietMs ?? 3000;
  let remaining = info.num_pending;
  const allEnded = () => [...hosts.values()].every((h) => h.ended);
  const finished = () => remaining <= 0 && (!options.waitForEnds || allEnded());
  if (finished()) return [];
  const messages = await consumer.consume({ max_messages: 256 });
  let quiet: TimerHandle;
  const arm = () => {
    clock.clearTimeout(quiet);
    const left = limitMs - (clock.now() - started);
    quiet = clock.setTimeout(() => void messages.stop(), Math.max(1, Math.min(quietMs, left)));
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
    clock.clearTimeout(quiet);
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
  /** The wait for the stream runs on it. Default: the system clock. */
  clock?: Clock;
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

/**
 * Follows a team's trace stream live: reads it from its start, then every chunk as hosts
 * store it, until `close()`. What `llm-teams watch` and `view --live` read.
 */
export async function followTraceStream(
  options: FollowTraceStreamOptions,
): Promise<TraceStreamFollower> {
  const js = jetstream(options.nc, { timeout: 5000 });
  const clock = options.clock ?? systemClock;
  let told = false;
  const policy = compileRetryPolicy(
    {
      maxAttempts: Infinity,
      initialDelayMs: 100,
      maxDelayMs: 1000,
      jitter: 0,
      budgetMs: options.waitForStreamMs ?? 0,
    },
    {},
    'trace stream follow',
  );
  const { consumer, info } = await openConsumer(js, options.stream, clock, policy, {
    onRetry: (err) => {
      if (!told && isMissing(err)) options.onWaitingForStream?.();
      told ||= isMissing(err);
    },
  }).catch((err: unknown) => {
    if (!isMissing(err)) throw err;
    throw new RuntimeError('TRACE_STREAM_MISSING', `no trace stream ${options.stream}`, {
      cause: err,
    });
  });
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
