import type { NatsAuthFlags } from '@llm-teams/broker';
import type { UsageLimits } from '@llm-teams/agents';
import { openNatsSession, type NatsSession } from '../run/nats-session.js';
import { runExperiment } from '../run/run-experiment.js';
import type { RunRecord } from '../run/run-record.js';
import type { RunSpec } from '../run/run-spec.js';

/** Parent -> worker. */
export type WorkerRequest =
  | {
      type: 'init';
      natsUrl: string;
      node: string;
      natsAuthFlags?: NatsAuthFlags;
      searchDirs?: string[];
      usageLimits?: UsageLimits;
    }
  | { type: 'run'; id: number; spec: RunSpec; outDir?: string; team: string };

/** Worker -> parent. */
export type WorkerReply =
  | { type: 'ready' }
  | { type: 'result'; id: number; record: RunRecord }
  | { type: 'error'; id: number; message: string };

/**
 * The body of a sweep worker process: connects to the sweep's NATS once, then runs one spec
 * per request and answers with its record. Started by `createWorkerPool` through
 * `bin/sweep-worker.js`; exits when the parent disconnects.
 */
export function serveSweepWorker(): void {
  const send = (reply: WorkerReply) => process.send?.(reply);
  let session: NatsSession | undefined;
  let init: Extract<WorkerRequest, { type: 'init' }> | undefined;
  let queue = Promise.resolve();

  const handle = async (msg: WorkerRequest) => {
    if (msg.type === 'init') {
      init = msg;
      try {
        session = await openNatsSession({
          url: msg.natsUrl,
          name: `llm-teams-${msg.node}`,
          ...(msg.natsAuthFlags ? { authFlags: msg.natsAuthFlags } : {}),
        });
      } catch (err) {
        // A worker that cannot connect can run nothing: say why and exit, so the pool fails
        // its job with this message (staying up would leave the sweep waiting for "ready").
        process.stderr.write(`${err instanceof Error ? err.message : String(err)}\n`);
        process.exit(1);
      }
      send({ type: 'ready' });
      return;
    }
    try {
      if (!session || !init) throw new Error('worker used before init');
      const record = await runExperiment({
        spec: msg.spec,
        nc: session.nc,
        team: msg.team,
        node: init.node,
        report: false,
        ...(msg.outDir !== undefined ? { outDir: msg.outDir } : {}),
        ...(init.searchDirs ? { searchDirs: init.searchDirs } : {}),
        ...(init.usageLimits ? { teamOptions: { usageLimits: init.usageLimits } } : {}),
      });
      send({ type: 'result', id: msg.id, record });
    } catch (err) {
      send({
        type: 'error',
        id: msg.id,
        message: err instanceof Error ? (err.stack ?? err.message) : String(err),
      });
    }
  };

  process.on('message', (msg: WorkerRequest) => {
    // One request at a time, in order: a worker is one run's process.
    queue = queue
      .then(() => handle(msg))
      .catch((err: unknown) => {
        console.error(err);
        process.exitCode = 1;
      });
  });
  process.on('disconnect', () => {
    void queue.finally(async () => {
      await session?.close().catch(() => undefined);
      process.exit();
    });
  });
}
