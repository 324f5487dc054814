/**
 * Worker threads that run tasks' tests in this process (test-thread.ts), shared by every test
 * runner of the process: a thread starts once and serves many runs, where a child process
 * costs two Node start-ups per run. A run past its time limit has its thread terminated (that
 * stops a synchronous infinite loop too); a thread is replaced after `RECYCLE_AFTER` runs, since
 * each run's modules stay in its module cache.
 */
import { randomBytes } from 'node:crypto';
import { rm } from 'node:fs/promises';
import { availableParallelism, tmpdir } from 'node:os';
import { join } from 'node:path';
import { Worker } from 'node:worker_threads';
import type { Clock } from '@llm-teams/runtime';
import type { ThreadJob, ThreadReply } from './test-thread.js';

export interface ThreadRun {
  /** Task files and test files: path -> content. */
  files: Record<string, string>;
  testPaths: string[];
  timeoutMs: number;
  /** The time limit's clock, and the clock of the durations of runs the thread did not end. */
  clock: Clock;
  /** Aborting ends the run now (its thread is terminated). */
  signal?: AbortSignal;
}

export interface ThreadOutcome {
  passed: boolean;
  output: string;
  /** The thread's time on the run; for a run it had to end, the time until then. */
  durationMs: number;
  timedOut: boolean;
  /** Ended by itself (not by the time limit, an abort or a thread crash). */
  conclusive: boolean;
  unsupported?: string;
}

const ENTRY = new URL('./test-thread-entry.js', import.meta.url);
/** Runs a thread serves before it is replaced. */
const RECYCLE_AFTER = 300;
/** Heap limit of a thread: a test that allocates without bound fails instead of the process. */
const HEAP_LIMIT_MB = 512;

interface Slot {
  worker: Worker;
  ready: Promise<void>;
  runs: number;
  busy: boolean;
  /** Settles the run in flight (with the thread's failure when it dies). */
  onReply?: (reply: ThreadReply | Error) => void;
}

const slots: Slot[] = [];
const waiting: ((slot: Slot) => void)[] = [];
const size = Math.max(1, availableParallelism());
let nextId = 1;

function startSlot(): Slot {
  // Tests' console output is collected in the thread. The thread's stdio stays this process's:
  // piping it (`stdout: true`) would hold the process open after its work is done.
  const worker = new Worker(ENTRY, { resourceLimits: { maxOldGenerationSizeMb: HEAP_LIMIT_MB } });
  const slot: Slot = { worker, ready: Promise.resolve(), runs: 0, busy: true };
  slot.ready = new Promise<void>((resolve, reject) => {
    worker.on('message', (msg: ThreadReply | { ready: true }) => {
      if ('ready' in msg) resolve();
      else slot.onReply?.(msg);
    });
    worker.once('error', (err) => {
      reject(err);
      slot.onReply?.(err);
    });
    worker.once('exit', (code) => {
      const why = new Error(`test thread exited (code ${code})`);
      reject(why);
      slot.onReply?.(why);
      drop(slot);
    });
  });
  slot.ready.catch(() => undefined);
  slots.push(slot);
  return slot;
}

/** A thread holds the process open while it has a run, and not while it idles. Called after
 *  the listeners are added (adding a 'message' listener refs the worker again). */
function setBusy(slot: Slot, busy: boolean): void {
  slot.busy = busy;
  if (busy) slot.worker.ref();
  else slot.worker.unref();
}

function drop(slot: Slot): void {
  const i = slots.indexOf(slot);
  if (i >= 0) slots.splice(i, 1);
  // Whoever waited for a thread gets a fresh one.
  const next = waiting.shift();
  if (next) next(startSlot());
}

function acquire(): Promise<Slot> {
  const free = slots.find((s) => !s.busy);
  if (free) {
    setBusy(free, true);
    return Promise.resolve(free);
  }
  if (slots.length < size) return Promise.resolve(startSlot());
  return new Promise((resolve) => waiting.push(resolve));
}

function release(slot: Slot): void {
  slot.onReply = undefined;
  if (slot.runs >= RECYCLE_AFTER) {
    void slot.worker.terminate();
    return;
  }
  const next = waiting.shift();
  if (next) next(slot);
  else setBusy(slot, false);
}

/** Ends a slot whose run cannot finish (time limit, abort): terminate and replace it. */
function kill(slot: Slot): void {
  slot.onReply = undefined;
  void slot.worker.terminate();
}

/** Starts the shared threads now, so the first runs do not wait for their start-up. */
export function warmTestThreads(): void {
  while (slots.length < size) setBusy(startSlot(), false);
}

/** Runs one job's tests in a shared test thread. */
export async function runInThread(run: ThreadRun): Promise<ThreadOutcome> {
  // The thread makes and removes it; this side only cleans up after a thread it had to end.
  const dir = join(tmpdir(), `llmt-tt-${process.pid}-${randomBytes(6).toString('hex')}`);
  let healthyEnd = false;
  const slot = await acquire();
  try {
    await slot.ready;
    const id = nextId++;
    const job: ThreadJob = { id, dir, files: run.files, testPaths: run.testPaths };
    const { clock } = run;
    const posted = clock.now();
    return await new Promise<ThreadOutcome>((resolve) => {
      const finish = (outcome: ThreadOutcome, healthy: boolean) => {
        clock.clearTimeout(timer);
        run.signal?.removeEventListener('abort', onAbort);
        healthyEnd = healthy;
        if (healthy) release(slot);
        else kill(slot);
        resolve(outcome);
      };
      const timer = clock.setTimeout(
        () =>
          finish(
            {
              passed: false,
              output: `[killed after ${run.timeoutMs} ms]`,
              durationMs: clock.now() - posted,
              timedOut: true,
              conclusive: false,
            },
            false,
          ),
        run.timeoutMs,
      );
      const onAbort = () =>
        finish(
          {
            passed: false,
            output: '[cancelled]',
            durationMs: clock.now() - posted,
            timedOut: false,
            conclusive: false,
          },
          false,
        );
      if (run.signal?.aborted) return onAbort();
      run.signal?.addEventListener('abort', onAbort, { once: true });
      slot.onReply = (reply) => {
        if (reply instanceof Error) {
          const output = `test thread failed: ${reply.message}`;
          const durationMs = clock.now() - posted;
          finish({ passed: false, output, durationMs, timedOut: false, conclusive: false }, false);
          return;
        }
        if (reply.id !== id) return;
        slot.runs++;
        finish(
          {
            passed: reply.passed,
            output: reply.output,
            durationMs: reply.durationMs,
            timedOut: false,
            conclusive: reply.unsupported === undefined,
            ...(reply.unsupported !== undefined ? { unsupported: reply.unsupported } : {}),
          },
          true,
        );
      };
      slot.worker.postMessage(job);
    });
  } catch (err) {
    // The thread could not start (no tsx, a broken entry): the caller runs the tests elsewhere.
    kill(slot);
    const why = `test thread failed to start: ${err instanceof Error ? err.message : String(err)}`;
    return {
      passed: false,
      output: why,
      durationMs: 0,
      timedOut: false,
      conclusive: false,
      unsupported: why,
    };
  } finally {
    if (!healthyEnd) await rm(dir, { recursive: true, force: true });
  }
}
