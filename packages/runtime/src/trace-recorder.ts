import { closeSync, mkdirSync, openSync, writeSync } from 'node:fs';
import { dirname } from 'node:path';
import { RuntimeError } from './errors.js';
import { redact } from './redaction.js';
import type { TraceEvent, TraceSink } from './trace-event.js';

export interface TraceRecorderOptions {
  /** JSON Lines file to append to (created with its directory). Default: none. */
  file?: string;
  /** Publish each flushed chunk of lines on the team's trace subject. Default: none. */
  live?: { publish(subject: string, data: Uint8Array): void; subject: string };
  /** Also hand every event to this listener as it is written (live checkers, tests). */
  onEvent?: (event: TraceEvent) => void;
  /** Flush at least this often. Default 50. */
  flushIntervalMs?: number;
  /** Flush once this many bytes are buffered. Default 65536. */
  maxBufferedBytes?: number;
  /** Remove secrets from what is written and published: true uses `redact` (registered
   *  secrets, the environment's, well-known key formats), a function replaces it. Applied per
   *  flushed chunk, so it costs one pass per flush, not per event. Default true. */
  redact?: boolean | ((text: string) => string);
}

export interface TraceRecorder extends TraceSink {
  readonly file: string | undefined;
  /** Events written so far. */
  readonly count: number;
  /** Writes buffered lines now (synchronously). */
  flush(): void;
  close(): Promise<void>;
}

const encoder = new TextEncoder();
const open = new Set<TraceRecorder>();
let exitHooked = false;

/**
 * Records trace events as JSON Lines. Lines are buffered and written with one synchronous
 * `write` per flush (every `flushIntervalMs`, at `maxBufferedBytes`, on `close()` and on
 * process exit), so a crash loses at most the unflushed tail and never a partial line.
 */
export function createTraceRecorder(options: TraceRecorderOptions = {}): TraceRecorder {
  const maxBytes = options.maxBufferedBytes ?? 65_536;
  let fd: number | undefined;
  if (options.file) {
    mkdirSync(dirname(options.file), { recursive: true });
    fd = openSync(options.file, 'a');
  }
  let lines: string[] = [];
  let bytes = 0;
  let count = 0;
  let closed = false;
  const scrub =
    options.redact === false
      ? undefined
      : typeof options.redact === 'function'
        ? options.redact
        : (text: string) => redact(text);

  const flush = () => {
    if (lines.length === 0) return;
    const chunk = scrub ? scrub(lines.join('')) : lines.join('');
    lines = [];
    bytes = 0;
    if (fd !== undefined) {
      try {
        writeSync(fd, chunk);
      } catch (err) {
        throw new RuntimeError('TRACE_WRITE_FAILED', `could not write trace ${options.file}`, {
          cause: err,
        });
      }
    }
    if (options.live) options.live.publish(options.live.subject, encoder.encode(chunk));
  };

  const timer = setInterval(flush, options.flushIntervalMs ?? 50);
  timer.unref();

  const recorder: TraceRecorder = {
    file: options.file,
    get count() {
      return count;
    },
    write(event) {
      if (closed) return;
      count++;
      const line = JSON.stringify(event) + '\n';
      lines.push(line);
      bytes += line.length;
      options.onEvent?.(event);
      if (bytes >= maxBytes) flush();
    },
    flush,
    close() {
      if (closed) return Promise.resolve();
      closed = true;
      clearInterval(timer);
      flush();
      if (fd !== undefined) closeSync(fd);
      open.delete(recorder);
      return Promise.resolve();
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

/** Keeps events in memory (tests, small tools). */
export function createMemoryTrace(): TraceSink & { events: TraceEvent[] } {
  const events: TraceEvent[] = [];
  return { events, write: (e) => void events.push(e) };
}

/** Reads a JSON Lines trace. A malformed line is an error naming its line number. */
export function parseTrace(text: string): TraceEvent[] {
  const out: TraceEvent[] = [];
  const lines = text.split('\n');
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i]!;
    if (!line.trim()) continue;
    try {
      out.push(JSON.parse(line) as TraceEvent);
    } catch (err) {
      throw new RuntimeError(
        'INVALID_ARGUMENT',
        `trace line ${i + 1} is not JSON: ${line.slice(0, 80)}`,
        {
          cause: err,
        },
      );
    }
  }
  return out;
}
