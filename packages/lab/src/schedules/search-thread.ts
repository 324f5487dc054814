/**
 * A search thread (bin/search-thread.js runs it): for each search it is given, its own NATS
 * connection, running the schedules whose indices it takes from the counter every thread of
 * the search shares.
 */
import { parentPort } from 'node:worker_threads';
import type { NatsAuthFlags } from '@llm-teams/broker';
import { loadTeamDir } from '../teams/team-dir.js';
import { connectForSchedules } from './schedule-connection.js';
import {
  faultsOf,
  searchSchedules,
  type FaultCounts,
  type IndexSource,
  type SearchStrategySpec,
  type SearchTeam,
} from './schedule-search.js';
import type { ScheduledRunOutcome } from './scheduled-team-run.js';

/** Slots of the shared counter. */
export const SLOT = { next: 0, lowestFail: 1, stop: 2 } as const;
export const NO_FAILURE = 0x7fffffff;

/** One search, as a thread gets it. */
export interface SearchJob {
  id: number;
  url: string;
  env?: NodeJS.ProcessEnv;
  authFlags?: NatsAuthFlags;
  /** Without `definedTeam` (code): a team of one's own is loaded again from its directory. */
  setup: Omit<SearchTeam, 'definedTeam'>;
  definedTeamDir?: string;
  spec: SearchStrategySpec;
  total: number;
  concurrency: number;
  /** Int32Array over a SharedArrayBuffer, slots as `SLOT`. */
  counter: Int32Array;
}

export type SearchThreadMessage =
  | { type: 'ready' }
  | {
      type: 'checked';
      job: number;
      index: number;
      steps: number;
      faults: FaultCounts;
      conclusive: boolean;
    }
  | { type: 'failed'; job: number; index: number; outcome: ScheduledRunOutcome }
  | { type: 'end'; job: number; error?: string };

/** The index source every thread of a search shares. */
export function sharedIndexSource(counter: Int32Array, total: number): IndexSource {
  return {
    take() {
      if (Atomics.load(counter, SLOT.stop) !== 0) return undefined;
      const i = Atomics.add(counter, SLOT.next, 1);
      return i >= total || i > Atomics.load(counter, SLOT.lowestFail) ? undefined : i;
    },
    failedAt(index) {
      for (;;) {
        const lowest = Atomics.load(counter, SLOT.lowestFail);
        if (index >= lowest) return;
        if (Atomics.compareExchange(counter, SLOT.lowestFail, lowest, index) === lowest) return;
      }
    },
  };
}

/** Serves searches until the thread is terminated: one at a time, each on a connection of
 *  its own (opened for the search, closed after it). */
export function serveSearchThread(): void {
  const port = parentPort;
  if (!port) throw new Error('serveSearchThread runs in a worker thread');
  const post = (m: SearchThreadMessage) => port.postMessage(m);
  port.on('message', (job: SearchJob | 'close') => {
    // Closing the port ends the thread once its last search has closed its connection.
    if (job === 'close') return port.close();
    runJob(job, post).then(
      () => post({ type: 'end', job: job.id }),
      (err: unknown) =>
        post({ type: 'end', job: job.id, error: err instanceof Error ? err.message : String(err) }),
    );
  });
  post({ type: 'ready' });
}

async function runJob(job: SearchJob, post: (m: SearchThreadMessage) => void): Promise<void> {
  const nc = await connectForSchedules(job.url, {
    ...(job.env ? { env: job.env } : {}),
    ...(job.authFlags ? { authFlags: job.authFlags } : {}),
  });
  const cleanups: Promise<void>[] = [];
  try {
    const definedTeam =
      job.definedTeamDir !== undefined ? await loadTeamDir(job.definedTeamDir) : undefined;
    await searchSchedules({
      nc,
      spec: job.spec,
      setup: { ...job.setup, ...(definedTeam ? { definedTeam } : {}) },
      source: sharedIndexSource(job.counter, job.total),
      concurrency: job.concurrency,
      onCleanup: (p) => cleanups.push(p),
      onChecked: (index, outcome) => {
        post({
          type: 'checked',
          job: job.id,
          index,
          steps: outcome.end.steps,
          faults: faultsOf(outcome),
          conclusive: outcome.end.reason === 'stopped',
        });
        if (outcome.failed) post({ type: 'failed', job: job.id, index, outcome });
      },
    });
    await Promise.all(cleanups);
  } finally {
    await nc.close();
  }
}
