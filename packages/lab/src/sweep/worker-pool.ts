import { fork, type ChildProcess } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import type { NatsAuthFlags } from '@llm-teams/broker';
import type { UsageLimits } from '@llm-teams/agents';
import type { RunRecord } from '../run/run-record.js';
import type { RunSpec } from '../run/run-spec.js';
import type { WorkerReply, WorkerRequest } from './sweep-worker.js';

/** The worker entry: a JS shim that registers tsx and serves `serveSweepWorker`. */
export const SWEEP_WORKER_SCRIPT = fileURLToPath(
  new URL('../../bin/sweep-worker.js', import.meta.url),
);

export interface WorkerPoolOptions {
  /** Worker processes. */
  size: number;
  natsUrl: string;
  /** Credential flags the workers connect with (sent over the IPC channel, not argv). */
  natsAuthFlags?: NatsAuthFlags;
  searchDirs?: readonly string[];
  /** Default `SWEEP_WORKER_SCRIPT`. */
  script?: string;
  /** Team-wide limits of every run (sent to the workers with their init). */
  usageLimits?: UsageLimits;
}

export interface RunJob {
  spec: RunSpec;
  team: string;
  outDir?: string;
}

export interface WorkerPool {
  /** Runs one job on the next free worker; rejects if the run throws or its worker dies. */
  run(job: RunJob): Promise<RunRecord>;
  /** Kills every worker; runs in flight reject. */
  close(): Promise<void>;
}

interface Worker {
  child: ChildProcess;
  name: string;
  ready: Promise<void>;
  busy?: { id: number; resolve(r: RunRecord): void; reject(e: Error): void };
  /** Handed to a caller that has not sent its job yet. */
  reserved: boolean;
  stderr: string;
  exited: boolean;
}

/**
 * Child processes that each run one team at a time against a shared NATS server. Processes,
 * not threads: a run is CPU-heavy (test runs, JSON), and a crash takes down one run, not the
 * sweep. A worker that dies is replaced on the next job.
 */
export function createWorkerPool(options: WorkerPoolOptions): WorkerPool {
  const workers: Worker[] = [];
  const waiting: ((w: Worker) => void)[] = [];
  let nextId = 1;
  let spawned = 0;
  let closed = false;

  const spawnWorker = (): Worker => {
    const name = `sweep-w${++spawned}`;
    const child = fork(options.script ?? SWEEP_WORKER_SCRIPT, [], {
      stdio: ['ignore', 'pipe', 'pipe', 'ipc'],
      serialization: 'json',
    });
    const worker: Worker = {
      child,
      name,
      ready: Promise.resolve(),
      stderr: '',
      exited: false,
      reserved: true,
    };
    const keepTail = (b: Buffer) => {
      worker.stderr = (worker.stderr + b.toString('utf8')).slice(-4000);
    };
    child.stdout?.on('data', keepTail);
    child.stderr?.on('data', keepTail);
    worker.ready = new Promise<void>((resolve, reject) => {
      child.once('error', reject);
      child.on('message', (msg: WorkerReply) => {
        if (msg.type === 'ready') resolve();
        else if (worker.busy && msg.id === worker.busy.id) {
          const job = worker.busy;
          worker.busy = undefined;
          if (msg.type === 'result') job.resolve(msg.record);
          else job.reject(new Error(msg.message));
          release(worker);
        }
      });
      child.once('exit', (code, signal) => {
        worker.exited = true;
        const why = new Error(
          `sweep worker ${name} exited (${signal ?? `code ${code}`})${worker.stderr ? `: ${worker.stderr.trim().split('\n').slice(-5).join(' | ')}` : ''}`,
        );
        reject(why);
        worker.busy?.reject(why);
        worker.busy = undefined;
        const i = workers.indexOf(worker);
        if (i >= 0) workers.splice(i, 1);
        // Whoever waits for a worker gets a fresh one.
        const next = waiting.shift();
        if (next && !closed) next(addWorker());
      });
    });
    worker.ready.catch(() => undefined);
    const init: WorkerRequest = {
      type: 'init',
      natsUrl: options.natsUrl,
      node: name,
      ...(options.natsAuthFlags ? { natsAuthFlags: options.natsAuthFlags } : {}),
      ...(options.usageLimits ? { usageLimits: options.usageLimits } : {}),
      ...(options.searchDirs ? { searchDirs: [...options.searchDirs] } : {}),
    };
    child.send(init);
    return worker;
  };

  const addWorker = () => {
    const w = spawnWorker();
    workers.push(w);
    return w;
  };

  const release = (w: Worker) => {
    const next = waiting.shift();
    if (next) {
      w.reserved = true;
      next(w);
    }
  };

  const acquire = (): Promise<Worker> => {
    const free = workers.find((w) => !w.busy && !w.reserved && !w.exited);
    if (free) {
      free.reserved = true;
      return Promise.resolve(free);
    }
    if (workers.length < options.size) return Promise.resolve(addWorker());
    return new Promise((resolve) => waiting.push(resolve));
  };

  return {
    async run(job) {
      if (closed) throw new Error('worker pool is closed');
      const worker = await acquire();
      const id = nextId++;
      const request: WorkerRequest = { type: 'run', id, ...job };
      return new Promise<RunRecord>((resolve, reject) => {
        worker.reserved = false;
        worker.busy = { id, resolve, reject };
        worker.ready.then(
          () => {
            try {
              worker.child.send(request);
            } catch (err) {
              if (worker.busy?.id === id) worker.busy = undefined;
              reject(err instanceof Error ? err : new Error(String(err)));
            }
          },
          (err: unknown) => {
            if (worker.busy?.id === id) worker.busy = undefined;
            reject(err instanceof Error ? err : new Error(String(err)));
          },
        );
      });
    },
    async close() {
      closed = true;
      const exits = workers.map(
        (w) =>
          new Promise<void>((resolve) => {
            if (w.exited) return resolve();
            w.child.once('exit', () => resolve());
            w.child.kill('SIGTERM');
          }),
      );
      await Promise.all(exits);
    },
  };
}
