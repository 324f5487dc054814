/**
 * System time: how long a caller's thread waits for the writer thread is the machine's time.
 */
import type * as fs from 'node:fs';
import { Worker, type MessagePort } from 'node:worker_threads';
import { RuntimeError } from './errors.js';
import { applyRedaction, type RedactionRules } from './redaction.js';
import { formatTraceChunk, TraceChunkEncoder, type TraceChunk } from './trace-chunk.js';
import type { TraceEvent } from './trace-event.js';

/*
 * The trace recorder's writer thread: the actor's thread encodes events into column chunks
 * (trace-chunk.ts) and posts each chunk here; this thread formats the JSON lines, redacts them,
 * appends them to the file and, for a live trace, hands the bytes back to be published. Two
 * shared counters say how far it got, so a flush that must be on disk before it returns (an
 * explicit flush(), close, process exit) waits for it with Atomics.wait.
 */

interface WriterInit {
  fd: number | undefined;
  counters: SharedArrayBuffer;
  /** Hand written bytes back in parts of at most this many bytes; 0: do not. */
  liveMaxBytes: number;
}

type ToWriter = { chunk: TraceChunk; rules?: RedactionRules | null } | { close: true };
type FromWriter = { bytes: Uint8Array } | { error: string } | { closed: true };

/** Counter slots: chunks finished, chunks that failed. */
const DONE = 0;
const FAILED = 1;

/**
 * The thread's program. Its source is this function's text, so it uses only its arguments.
 */
function writerThread(
  port: MessagePort,
  init: WriterInit,
  writeSync: typeof fs.writeSync,
  format: (chunk: TraceChunk) => string,
  redact: (text: string, rules: RedactionRules) => string,
): void {
  const counters = new Int32Array(init.counters);
  const encoder = new TextEncoder();
  let rules: RedactionRules | null = null;
  const handBack = (text: string) => {
    let start = 0;
    while (start < text.length) {
      let end = text.length;
      if (end - start > init.liveMaxBytes) {
        const cut = text.lastIndexOf('\n', start + init.liveMaxBytes - 1);
        end = cut >= start ? cut + 1 : text.indexOf('\n', start) + 1 || text.length;
      }
      const bytes = encoder.encode(text.slice(start, end));
      port.postMessage({ bytes } satisfies FromWriter, [bytes.buffer]);
      start = end;
    }
  };
  port.on('message', (message: ToWriter) => {
    if ('close' in message) {
      port.postMessage({ closed: true } satisfies FromWriter);
      return;
    }
    try {
      if (message.rules !== undefined) rules = message.rules;
      const formatted = format(message.chunk);
      const text = rules ? redact(formatted, rules) : formatted;
      if (init.fd !== undefined) {
        const bytes = Buffer.from(text);
        let off = 0;
        while (off < bytes.length) off += writeSync(init.fd, bytes, off);
      }
      if (init.liveMaxBytes > 0) handBack(text);
    } catch (err) {
      Atomics.add(counters, 1, 1);
      port.postMessage({ error: String(err) } satisfies FromWriter);
    }
    Atomics.add(counters, 0, 1);
    Atomics.notify(counters, 0);
  });
}

const threadFunctions = [writerThread, formatTraceChunk, applyRedaction].map((f) => f.toString());

// A transpiler may wrap functions in a name-keeping helper (`__name`; `__name2`, ... when
// sources were transformed twice, as by a process that loads tsx again over an inherited
// `--import tsx`); the thread's script defines each one its sources use as the identity.
const nameHelpers = [...new Set(threadFunctions.join('\n').match(/\b__name\d*\b/g) ?? [])];

const threadSource = `${nameHelpers.map((h) => `const ${h} = (f) => f;`).join('\n')}
const { parentPort, workerData } = require('node:worker_threads');
(${threadFunctions[0]!})(parentPort, workerData, require('node:fs').writeSync,
  ${threadFunctions[1]!}, ${threadFunctions[2]!});`;

export interface ThreadedTraceWriterOptions {
  fd: number | undefined;
  file: string | undefined;
  /** Post a chunk once its lines take about this many bytes. */
  maxBufferedBytes: number;
  /** Rules for each chunk (read per flush), or none. */
  rules: (() => RedactionRules) | undefined;
  live: ((bytes: Uint8Array) => void) | undefined;
}

/** Chunks posted but not yet written before a writer waits: bounds memory and the lost tail. */
const MAX_BACKLOG = 16;
/** How long a flush that must reach the file waits for the thread before giving up. */
const WAIT_LIMIT_MS = 30_000;

export class ThreadedTraceWriter {
  readonly #options: ThreadedTraceWriterOptions;
  readonly #encoder: TraceChunkEncoder;
  readonly #worker: Worker;
  readonly #counters: Int32Array;
  #posted = 0;
  #rulesSent: RedactionRules | null | undefined;
  #failure: string | undefined;
  #closing: Promise<void> | undefined;

  constructor(options: ThreadedTraceWriterOptions) {
    this.#options = options;
    this.#encoder = new TraceChunkEncoder(
      Math.min(65_536, Math.max(16, Math.ceil(options.maxBufferedBytes / 200) + 1)),
    );
    const counters = new SharedArrayBuffer(8);
    this.#counters = new Int32Array(counters);
    const init: WriterInit = {
      fd: options.fd,
      counters,
      liveMaxBytes: options.live ? Math.max(1024, options.maxBufferedBytes) : 0,
    };
    this.#worker = new Worker(threadSource, { eval: true, workerData: init });
    this.#worker.unref();
    this.#worker.on('message', (m: FromWriter) => {
      if ('bytes' in m) options.live?.(m.bytes);
      else if ('error' in m) this.#failure ??= m.error;
    });
    this.#worker.on('error', (err) => {
      this.#failure ??= String(err);
    });
  }

  write(event: TraceEvent): void {
    this.#encoder.add(event);
    if (this.#encoder.full || this.#encoder.bytes >= this.#options.maxBufferedBytes) {
      this.flush(false);
    }
  }

  /** Posts the chunk; with `wait`, returns once every posted chunk is written. */
  flush(wait: boolean): void {
    const chunk = this.#encoder.take();
    if (chunk) {
      const rules = this.#options.rules?.() ?? null;
      const message: ToWriter =
        rules === this.#rulesSent ? { chunk } : { chunk, rules: (this.#rulesSent = rules) };
      this.#worker.postMessage(message, [chunk.nums.buffer as ArrayBuffer]);
      this.#posted++;
    }
    if (wait) this.#waitFor(this.#posted);
    else if (this.#posted - Atomics.load(this.#counters, DONE) > MAX_BACKLOG) {
      this.#waitFor(this.#posted - MAX_BACKLOG / 2);
    }
    this.#throwIfFailed();
  }

  #waitFor(target: number): void {
    const started = Date.now();
    for (;;) {
      const done = Atomics.load(this.#counters, DONE);
      if (done >= target) return;
      if (Date.now() - started > WAIT_LIMIT_MS) {
        this.#failure ??= `the trace writer did not finish within ${WAIT_LIMIT_MS} ms`;
        return;
      }
      Atomics.wait(this.#counters, DONE, done, 100);
    }
  }

  #throwIfFailed(): void {
    if (this.#failure === undefined && Atomics.load(this.#counters, FAILED) === 0) return;
    const reason = this.#failure ?? 'see the thread';
    this.#failure = undefined;
    Atomics.store(this.#counters, FAILED, 0);
    throw new RuntimeError('TRACE_WRITE_FAILED', `could not write trace ${this.#options.file}`, {
      cause: new Error(reason),
    });
  }

  /** Writes what is left, waits for the thread to hand back its last bytes, and stops it. */
  close(): Promise<void> {
    this.#closing ??= (async () => {
      this.flush(true);
      if (this.#options.live) {
        const closed = new Promise<void>((resolve) => {
          this.#worker.on('message', (m: FromWriter) => {
            if ('closed' in m) resolve();
          });
          this.#worker.once('exit', () => resolve());
        });
        this.#worker.postMessage({ close: true } satisfies ToWriter);
        await closed;
      }
      await this.#worker.terminate();
    })();
    return this.#closing;
  }
}
