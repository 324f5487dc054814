/**
 * System time: the trace is flushed to its file on the machine's time: a virtual clock must not
 * hold the file back.
 */
import { closeSync, mkdirSync, openSync, writeSync } from 'node:fs';
import { dirname } from 'node:path';
import { RuntimeError } from './errors.js';
import { currentRedactionRules, redact } from './redaction.js';
import type { TraceEvent, TraceSink } from './trace-event.js';
import { ThreadedTraceWriter } from './trace-writer.js';
import { parseTraceLine } from './trace-schema.js';

export interface TraceRecorderOptions {
  /** JSON Lines file to append to (created with its directory). Default: none. */
  file?: string;
  /** Publish each flushed chunk of lines on the team's trace subject. Default: none. */
  live?: { publish(subject: string, data: Uint8Array): void; subject: string };
  /** Also hand every event to this listener as it is written (live checkers, tests). */
  onEvent?: (event: TraceEvent) => void;
  /** Flush at least this often. Default 50. */
  flushIntervalMs?: number;
  /** Flush once this many bytes are buffered. Default 262144 with a writer thread (fewer,
   *  larger hand-overs), 65536 without. */
  maxBufferedBytes?: number;
  /** Remove secrets from what is written and published: true uses `redact` (registered
   *  secrets, the environment's, well-known key formats), a function replaces it. Applied per
   *  flushed chunk, so it costs one pass per flush, not per event. Default true. */
  redact?: boolean | ((text: string) => string);
  /** Format, redact and write in a thread of its own (see docs/benchmarks.md, tracing), so the
   *  actors' thread only encodes each event. Default true; a `redact` function implies false
   *  (a function cannot cross to the thread). */
  thread?: boolean;
}

export interface TraceRecorder extends TraceSink {
  readonly file: string | undefined;
  /** Events written so far. */
  readonly count: number;
  /** Writes buffered lines now: they are in the file when it returns. */
  flush(): void;
  close(): Promise<void>;
}

/** What the recorder hands its buffered events to. */
interface TraceWriter {
  write(event: TraceEvent): void;
  /** With `wait`, the events are in the file when it returns. */
  flush(wait: boolean): void;
  close(): Promise<void>;
}

const encoder = new TextEncoder();
const open = new Set<TraceRecorder>();
let exitHooked = false;

/**
 * Records trace events as JSON Lines. Events are buffered and written one chunk at a time
 * (every `flushIntervalMs`, at `maxBufferedBytes`, on `flush()`, `close()` and process exit),
 * so a crash loses at most the unflushed tail and never a partial line. By default a writer
 * thread formats, redacts and writes each chunk; the caller's thread only encodes events.
 */
export function createTraceRecorder(options: TraceRecorderOptions = {}): TraceRecorder {
  let fd: number | undefined;
  if (options.file) {
    mkdirSync(dirname(options.file), { recursive: true });
    fd = openSync(options.file, 'a');
  }
  const writer = createWriter(options, fd);
  let count = 0;
  let closed = false;

  const timer = setInterval(() => writer.flush(false), options.flushIntervalMs ?? 50);
  timer.unref();

  const recorder: TraceRecorder = {
    file: options.file,
    get count() {
      return count;
    },
    write(event) {
      if (closed) return;
      count++;
      writer.write(event);
      options.onEvent?.(event);
    },
    flush: () => writer.flush(true),
    async close() {
      if (closed) return;
      closed = true;
      clearInterval(timer);
      open.delete(recorder);
      try {
        await writer.close();
      } finally {
        if (fd !== undefined) closeSync(fd);
      }
    },
  };
  open.add(recorder);
  if (!exitHooked) {
    exitHooked = true;
    process.once('exit', () => {
      for (const r of open) r.flush();
    });
  }
  return recorder;
}

function createWriter(options: TraceRecorderOptions, fd: number | undefined): TraceWriter {
  const threaded = typeof options.redact !== 'function' && options.thread !== false;
  const maxBufferedBytes = options.maxBufferedBytes ?? (threaded ? 262_144 : 65_536);
  const live = options.live;
  const publish = live ? (bytes: Uint8Array) => live.publish(live.subject, bytes) : undefined;
  if (fd === undefined && !publish) {
    return { write: () => undefined, flush: () => undefined, close: () => Promise.resolve() };
  }
  if (threaded) {
    return new ThreadedTraceWriter({
      fd,
      file: options.file,
      maxBufferedBytes,
      rules: options.redact === false ? undefined : currentRedactionRules,
      live: publish,
    });
  }
  const scrub =
    options.redact === false
      ? undefined
      : typeof options.redact === 'function'
        ? options.redact
        : (text: string) => redact(text);
  return createInThreadWriter(options.file, fd, maxBufferedBytes, scrub, publish);
}

/** Formats, redacts and writes on the caller's thread, one `JSON.stringify` per event. */
function createInThreadWriter(
  file: string | undefined,
  fd: number | undefined,
  maxBytes: number,
  scrub: ((text: string) => string) | undefined,
  publish: ((bytes: Uint8Array) => void) | undefined,
): TraceWriter {
  let lines: string[] = [];
  let bytes = 0;
  const flush = () => {
    if (lines.length === 0) return;
    const chunk = scrub ? scrub(lines.join('')) : lines.join('');
    lines = [];
    bytes = 0;
    if (fd !== undefined) {
      try {
        writeSync(fd, chunk);
      } catch (err) {
        throw new RuntimeError('TRACE_WRITE_FAILED', `could not write trace ${file}`, {
          cause: err,
        });
      }
    }
    publish?.(encoder.encode(chunk));
  };
  return {
    write(event) {
      const line = JSON.stringify(event) + '\n';
      lines.push(line);
      bytes += line.length;
      if (bytes >= maxBytes) flush();
    },
    flush,
    close() {
      flush();
      return Promise.resolve();
    },
  };
}

/** Keeps events in memory (tests, small tools). */
export function createMemoryTrace(): TraceSink & { events: TraceEvent[] } {
  const events: TraceEvent[] = [];
  return { events, write: (e) => void events.push(e) };
}

/**
 * Reads a JSON Lines trace, each line checked against the trace contract (trace-schema.ts): a
 * line that is not an event is a `TraceFormatError` naming `source`, its line number and the
 * field.
 */
export function parseTrace(text: string, options: { source?: string } = {}): TraceEvent[] {
  const source = options.source ?? 'trace';
  const out: TraceEvent[] = [];
  const lines = text.split('\n');
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i]!;
    if (line.trim()) out.push(parseTraceLine(line, source, i + 1));
  }
  return out;
}
