import { Worker } from 'node:worker_threads';
import type { NatsAuthFlags, NatsConnection } from '@llm-teams/broker';
import { LabError } from '../lab-error.js';
import {
  countFaults,
  searchSchedules,
  type SearchStrategySpec,
  type SearchTally,
  type SearchTeam,
} from './schedule-search.js';
import {
  NO_FAILURE,
  SLOT,
  sharedIndexSource,
  type SearchJob,
  type SearchThreadMessage,
} from './search-thread.js';

const ENTRY = new URL('../../bin/search-thread.js', import.meta.url);

export interface SearchThreadsOptions {
  /** Threads that search, this one included (it searches on `nc`). */
  threads: number;
  nc: NatsConnection;
  /** The server the other threads connect to, with the credentials of `env` (default
   *  `process.env`) and `authFlags`. */
  url: string;
  env?: NodeJS.ProcessEnv;
  authFlags?: NatsAuthFlags;
  setup: SearchTeam;
  spec: SearchStrategySpec;
  total: number;
  /** Schedules each thread runs at once. */
  concurrency: number;
  onCleanup: (done: Promise<void>) => void;
  signal?: AbortSignal;
  onChecked?(): void;
}

interface PooledThread {
  worker: Worker;
  busy: boolean;
  ready: Promise<void>;
  /** Hears the thread's messages for the search it runs. */
  listener?: (m: SearchThreadMessage) => void;
  /** Settles that search when the thread dies. */
  onDeath?: (err: Error) => void;
}

/** Threads outlive a search: starting one loads every module again (seconds of CPU from
 *  sources), which a second search in the process need not pay. Idle, they hold nothing
 *  open (`unref`). */
const pool: PooledThread[] = [];

function startThread(): PooledThread {
  // No inherited flags: the entry loads the sources (or dist/) itself; a second tsx
  // registration from `--import tsx` would transform every module twice.
  const worker = new Worker(ENTRY, { execArgv: [] });
  const t: PooledThread = { worker, busy: false, ready: Promise.resolve() };
  t.ready = new Promise<void>((resolve, reject) => {
    worker.on('message', (m: SearchThreadMessage) => {
      if (m.type === 'ready') resolve();
      else t.listener?.(m);
    });
    const die = (err: Error) => {
      const at = pool.indexOf(t);
      if (at >= 0) pool.splice(at, 1);
      reject(err);
      t.onDeath?.(err);
    };
    worker.once('error', (err) => die(err));
    worker.once('exit', (code) => die(new Error(`exited with code ${code}`)));
  });
  t.ready.catch(() => undefined);
  worker.unref();
  pool.push(t);
  return t;
}

let jobs = 0;

function withoutDefinedTeam(setup: SearchTeam): SearchJob['setup'] {
  const { definedTeam: _code, ...data } = setup;
  return data;
}

/** Ends the idle search threads. Not needed before a process exits: idle threads do not keep
 *  it alive. */
export async function closeSearchThreads(): Promise<void> {
  const all = pool.filter((t) => !t.busy);
  for (const t of all) pool.splice(pool.indexOf(t), 1);
  await Promise.all(
    all.map(
      (t) =>
        new Promise<void>((resolve) => {
          t.worker.once('exit', () => resolve());
          t.worker.postMessage('close');
        }),
    ),
  );
}

/**
 * Runs a search's schedules on `threads` threads: this one on `nc`, the others on worker
 * threads with connections of their own, so a search uses more than one core. Every thread
 * takes indices from one shared counter, none past the lowest failure any of them found, so
 * the search checks the same schedules and reports the same first failure as one thread would
 * (each run is a function of its index alone).
 */
export async function searchInThreads(options: SearchThreadsOptions): Promise<SearchTally> {
  const counter = new Int32Array(new SharedArrayBuffer(3 * Int32Array.BYTES_PER_ELEMENT));
  Atomics.store(counter, SLOT.lowestFail, NO_FAILURE);
  const stop = () => Atomics.store(counter, SLOT.stop, 1);
  options.signal?.addEventListener('abort', stop, { once: true });
  const tally: SearchTally = { checked: 0, inconclusive: 0, steps: 0, faults: {} };
  const note = (index: number, outcome: SearchTally['firstFail']) => {
    if (outcome && (!tally.firstFail || index < tally.firstFail.index)) tally.firstFail = outcome;
  };
  const job: Omit<SearchJob, 'id'> = {
    url: options.url,
    ...(options.env ? { env: { ...options.env } } : {}),
    ...(options.authFlags ? { authFlags: options.authFlags } : {}),
    setup: withoutDefinedTeam(options.setup),
    ...(options.setup.definedTeam ? { definedTeamDir: options.setup.definedTeam.dir } : {}),
    spec: options.spec,
    total: options.total,
    concurrency: options.concurrency,
    counter,
  };
  const threads = pool.filter((t) => !t.busy).slice(0, options.threads - 1);
  while (threads.length < options.threads - 1) threads.push(startThread());
  for (const t of threads) t.busy = true;
  const onThread = (t: PooledThread) =>
    new Promise<void>((resolve, reject) => {
      const id = ++jobs;
      const fail = (why: string) => {
        stop();
        reject(new LabError('SEARCH_THREAD_FAILED', `a search thread failed: ${why}`));
      };
      t.onDeath = (err) => fail(err.message);
      t.listener = (m) => {
        if (m.type === 'ready' || m.job !== id) return;
        if (m.type === 'checked') {
          tally.checked++;
          tally.steps += m.steps;
          countFaults(tally.faults, m.faults);
          if (!m.conclusive) tally.inconclusive++;
          options.onChecked?.();
        } else if (m.type === 'failed') {
          note(m.index, { index: m.index, outcome: m.outcome });
        } else if (m.type === 'end') {
          t.listener = undefined;
          t.onDeath = undefined;
          t.busy = false;
          t.worker.unref();
          if (m.error !== undefined) fail(m.error);
          else resolve();
        }
      };
      t.worker.ref();
      t.ready.then(
        () => t.worker.postMessage({ ...job, id } satisfies SearchJob),
        (err: Error) => fail(err.message),
      );
    });
  const here = searchSchedules({
    nc: options.nc,
    spec: options.spec,
    setup: options.setup,
    source: sharedIndexSource(counter, options.total),
    concurrency: options.concurrency,
    onCleanup: options.onCleanup,
    onChecked: () => options.onChecked?.(),
  }).then((mine) => {
    tally.checked += mine.checked;
    tally.steps += mine.steps;
    countFaults(tally.faults, mine.faults);
    tally.inconclusive += mine.inconclusive;
    if (mine.firstFail) note(mine.firstFail.index, mine.firstFail);
  });
  try {
    const others = threads.map(onThread);
    // Every thread's search ends (a failed one stops the others) before this one returns.
    const settled = await Promise.allSettled([here, ...others]);
    const failed = settled.find((s) => s.status === 'rejected');
    if (failed?.status === 'rejected') throw failed.reason;
  } finally {
    options.signal?.removeEventListener('abort', stop);
  }
  return tally;
}
