/**
 * System time: a job's in-progress acks keep the server's ack wait (real time) from running out.
 */
import { createHash } from 'node:crypto';
import { hostname } from 'node:os';
import {
  AckPolicy,
  clusterReplicas,
  DeliverPolicy,
  jetstream,
  jetstreamManager,
  type JsMsg,
  type NatsConnection,
} from '@llm-teams/broker';
import { isRunRecord, type RunRecord } from '../run/run-record.js';
import { runKey, type RunSpec } from '../run/run-spec.js';
import type { RunJob, WorkerPool } from './worker-pool.js';

/**
 * A sweep across machines (`sweep --nats URL --jobs 0` and `llm-teams worker`), on two
 * JetStream streams every sweep on the server shares:
 *
 * - `llmt_sweep_jobs` (work queue) on `llmt.sweep.jobs.<sweep>`: one message per run to do,
 *   `Nats-Msg-Id` `<sweep>.<run>` (a sweep resumed within two minutes queues nothing twice).
 *   Workers pull from one durable consumer, `workers`, so each job goes to one worker at a
 *   time. A worker tells JetStream it is still working every 2 s; a job whose worker stops
 *   (killed, cut off) is not acknowledged within 8 s and goes to another worker.
 * - `llmt_sweep_results` (limits, 7 days) on `llmt.sweep.results.<sweep>`: one message per
 *   finished run (the record, or the error it threw). The sweep reads its subject from the
 *   start, so results that arrived while it was away count when it resumes; the first result
 *   of a run counts, a later one (the same run again, after its first worker died between
 *   publishing and acknowledging) is ignored: never counted twice.
 */
export const SWEEP_QUEUE = {
  jobsStream: 'llmt_sweep_jobs',
  resultsStream: 'llmt_sweep_results',
  consumer: 'workers',
  jobs: (sweep: string) => `llmt.sweep.jobs.${sweep}`,
  results: (sweep: string) => `llmt.sweep.results.${sweep}`,
  /** A job not acknowledged for this long (no progress from its worker) goes to another. */
  ackWaitMs: 8000,
  /** How often a worker says it is still working on a job. */
  progressMs: 2000,
} as const;

export interface SweepJob {
  v: 1;
  sweep: string;
  key: string;
  spec: RunSpec;
  team: string;
}

export type SweepResult =
  | { v: 1; sweep: string; key: string; worker: string; record: RunRecord }
  | { v: 1; sweep: string; key: string; worker: string; error: string };

const nanos = (ms: number) => ms * 1_000_000;
const encoder = new TextEncoder();
const decoder = new TextDecoder();

export const encodeJson = (value: unknown) => encoder.encode(JSON.stringify(value));
export const decodeJson = <T>(data: Uint8Array) => JSON.parse(decoder.decode(data)) as T;

/** The id of a sweep: its output directory on its machine (so resuming it finds its queue). */
export function sweepId(outDir: string): string {
  return createHash('sha1').update(`${hostname()}\u0000${outDir}`).digest('hex').slice(0, 16);
}

/** A run's id within its sweep (for message ids). */
const runId = (key: string) => createHash('sha1').update(key).digest('hex').slice(0, 16);

/** Creates the two streams and the workers' consumer if missing (sweep and workers both do). */
export async function ensureSweepQueue(nc: NatsConnection): Promise<void> {
  const jsm = await jetstreamManager(nc);
  const replicas = await clusterReplicas(nc);
  const streams = [
    {
      name: SWEEP_QUEUE.jobsStream,
      subjects: [SWEEP_QUEUE.jobs('*')],
      retention: 'workqueue' as const,
      num_replicas: replicas,
      duplicate_window: nanos(120_000),
    },
    {
      name: SWEEP_QUEUE.resultsStream,
      subjects: [SWEEP_QUEUE.results('*')],
      retention: 'limits' as const,
      num_replicas: replicas,
      max_age: nanos(7 * 24 * 3600 * 1000),
      duplicate_window: nanos(120_000),
    },
  ];
  for (const config of streams) {
    const exists = await jsm.streams.info(config.name).then(
      () => true,
      () => false,
    );
    if (!exists) await jsm.streams.add(config).catch(() => jsm.streams.info(config.name));
  }
  const consumer = {
    durable_name: SWEEP_QUEUE.consumer,
    ack_policy: AckPolicy.Explicit,
    deliver_policy: DeliverPolicy.All,
    ack_wait: nanos(SWEEP_QUEUE.ackWaitMs),
    max_ack_pending: 10_000,
  };
  const existing = await jsm.consumers
    .info(SWEEP_QUEUE.jobsStream, SWEEP_QUEUE.consumer)
    .catch(() => undefined);
  if (!existing) {
    await jsm.consumers
      .add(SWEEP_QUEUE.jobsStream, consumer)
      .catch(() => jsm.consumers.info(SWEEP_QUEUE.jobsStream, SWEEP_QUEUE.consumer));
  }
}

/**
 * The sweep's side: the same `run(job)` as the local worker pool, but each job is queued for
 * `llm-teams worker` processes anywhere, and its record comes back on the results stream.
 * Records come back without per-run files (a run's trace stays where it ran).
 */
export async function createQueuePool(options: {
  nc: NatsConnection;
  sweep: string;
}): Promise<WorkerPool> {
  const { nc, sweep } = options;
  await ensureSweepQueue(nc);
  const js = jetstream(nc);
  const waiting = new Map<string, { resolve(r: RunRecord): void; reject(e: Error): void }>();
  const arrived = new Map<string, SweepResult>();
  const settle = (result: SweepResult) => {
    const w = waiting.get(result.key);
    if (!w) {
      if (!arrived.has(result.key)) arrived.set(result.key, result);
      return;
    }
    waiting.delete(result.key);
    if ('record' in result) w.resolve({ ...result.record, files: {} });
    else w.reject(new Error(`${result.error} (on worker ${result.worker})`));
  };
  const consumer = await js.consumers.get(SWEEP_QUEUE.resultsStream, {
    // A string, not a list: nats-server 2.9 takes one filter subject.
    filter_subjects: SWEEP_QUEUE.results(sweep),
    deliver_policy: DeliverPolicy.All,
  });
  const messages = await consumer.consume();
  const reading = (async () => {
    for await (const m of messages) {
      try {
        const result = decodeJson<SweepResult>(m.data);
        if (result.sweep === sweep && (!('record' in result) || isRunRecord(result.record)))
          settle(result);
      } catch {
        // Not a result: nothing to count.
      }
    }
  })();
  let closed = false;
  return {
    run(job: RunJob) {
      return new Promise<RunRecord>((resolve, reject) => {
        const runKeyOf = runKey(job.spec);
        waiting.set(runKeyOf, { resolve, reject });
        const early = arrived.get(runKeyOf);
        if (early) {
          arrived.delete(runKeyOf);
          settle(early);
          return;
        }
        const message: SweepJob = { v: 1, sweep, key: runKeyOf, spec: job.spec, team: job.team };
        js.publish(SWEEP_QUEUE.jobs(sweep), encodeJson(message), {
          msgID: `${sweep}.${runId(runKeyOf)}`,
        }).catch((err: unknown) => {
          waiting.delete(runKeyOf);
          reject(err instanceof Error ? err : new Error(String(err)));
        });
      });
    },
    async close() {
      if (closed) return;
      closed = true;
      // Jobs still queued belong to a sweep that stopped: a later session queues them again.
      const jsm = await jetstreamManager(nc);
      await jsm.streams
        .purge(SWEEP_QUEUE.jobsStream, { filter: SWEEP_QUEUE.jobs(sweep) })
        .catch(() => undefined);
      await messages.close().catch(() => undefined);
      await reading.catch(() => undefined);
      for (const w of waiting.values()) w.reject(new Error('the sweep stopped'));
      waiting.clear();
    },
  };
}

/** What a worker does with one job message: run it, publish the result, acknowledge it. */
export async function handleSweepJob(
  m: JsMsg,
  options: {
    nc: NatsConnection;
    worker: string;
    run: (job: SweepJob) => Promise<RunRecord>;
    onStart?: (job: SweepJob) => void;
  },
): Promise<SweepResult | undefined> {
  let job: SweepJob | undefined;
  try {
    job = decodeJson<SweepJob>(m.data);
  } catch {
    job = undefined;
  }
  if (job?.v !== 1 || typeof job.key !== 'string' || typeof job.sweep !== 'string') {
    // Not a job of ours: nothing can run it, now or later.
    m.term();
    return undefined;
  }
  options.onStart?.(job);
  const progress = setInterval(() => m.working(), SWEEP_QUEUE.progressMs);
  let result: SweepResult;
  try {
    const record = await options.run(job);
    result = { v: 1, sweep: job.sweep, key: job.key, worker: options.worker, record };
  } catch (err) {
    const error = err instanceof Error ? err.message : String(err);
    result = { v: 1, sweep: job.sweep, key: job.key, worker: options.worker, error };
  } finally {
    clearInterval(progress);
  }
  await jetstream(options.nc).publish(SWEEP_QUEUE.results(job.sweep), encodeJson(result), {
    msgID: `${job.sweep}.${runId(job.key)}.${m.info.deliveryCount}`,
  });
  m.ack();
  return result;
}

export interface QueueWorkerOptions {
  nc: NatsConnection;
  /** This worker's name (in results and logs). */
  worker: string;
  /** Runs at once. Default 1. */
  concurrency?: number;
  /** Runs one job (the CLI: `runExperiment` on this worker's connection). */
  run: (job: SweepJob) => Promise<RunRecord>;
  onStart?: (job: SweepJob) => void;
  onDone?: (result: SweepResult) => void;
  /** Stops pulling; a run in flight is handed back to the queue at once. */
  signal?: AbortSignal;
}

/** Pulls jobs of any sweep on the server and runs them until `signal` aborts. */
export async function serveQueueWorker(options: QueueWorkerOptions): Promise<void> {
  await ensureSweepQueue(options.nc);
  const consumer = await jetstream(options.nc).consumers.get(
    SWEEP_QUEUE.jobsStream,
    SWEEP_QUEUE.consumer,
  );
  const stopped = () => options.signal?.aborted === true;
  const lane = async () => {
    while (!stopped()) {
      const m = await consumer.next({ expires: 2000 }).catch(() => null);
      if (!m) continue;
      if (stopped()) {
        m.nak();
        return;
      }
      const abandon = () => m.nak();
      options.signal?.addEventListener('abort', abandon, { once: true });
      try {
        const result = await handleSweepJob(m, {
          nc: options.nc,
          worker: options.worker,
          run: options.run,
          ...(options.onStart ? { onStart: options.onStart } : {}),
        });
        if (result) options.onDone?.(result);
      } finally {
        options.signal?.removeEventListener('abort', abandon);
      }
    }
  };
  await Promise.all(Array.from({ length: Math.max(1, options.concurrency ?? 1) }, lane));
}
