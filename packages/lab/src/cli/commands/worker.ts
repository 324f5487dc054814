import { hostname } from 'node:os';
import { join, resolve } from 'node:path';
import type { Command } from 'commander';
import { openNatsSession } from '../../run/nats-session.js';
import { runExperiment } from '../../run/run-experiment.js';
import { runSlug } from '../../run/run-spec.js';
import { serveQueueWorker } from '../../sweep/sweep-queue.js';
import { EXIT, type CliCommand, type CliContext } from '../cli-context.js';
import { intIn, natsUrlArg } from '../cli-parsers.js';
import { natsCredentials, withNatsAuthFlags } from '../nats-auth-flags.js';
import { onStopSignals } from '../stop-signals.js';

interface WorkerFlags {
  nats: string;
  jobs: number;
  name?: string;
  out?: string;
  suiteDir?: string;
}

async function workerAction(flags: WorkerFlags, ctx: CliContext): Promise<void> {
  const { io } = ctx;
  const name = flags.name ?? `worker-${hostname()}-${process.pid}`;
  const searchDirs = flags.suiteDir ? [resolve(io.cwd, flags.suiteDir)] : undefined;
  const outDir = flags.out !== undefined ? resolve(io.cwd, flags.out) : undefined;
  const session = await openNatsSession({
    url: flags.nats,
    name: `llm-teams-${name}`,
    waitOnFirstConnect: true,
    ...natsCredentials(flags, io),
  });
  const controller = new AbortController();
  const stop = () => {
    io.stderr(`${name}: stopping; a run in flight goes back to the queue\n`);
    controller.abort();
  };
  const unlisten = onStopSignals(stop);
  io.stderr(`${name}: pulling sweep runs from ${session.url} (${flags.jobs} at a time)\n`);
  try {
    await serveQueueWorker({
      nc: session.nc,
      worker: name,
      concurrency: flags.jobs,
      signal: controller.signal,
      run: (job) =>
        runExperiment({
          spec: job.spec,
          nc: session.nc,
          team: job.team,
          node: name,
          report: false,
          ...(outDir !== undefined ? { outDir: join(outDir, runSlug(job.spec)) } : {}),
          ...(searchDirs ? { searchDirs } : {}),
        }),
      onStart: (job) => io.stderr(`${name}: running ${job.key}\n`),
      onDone: (r) =>
        io.stderr(
          `${name}: ${'record' in r ? r.record.result.status : `error (${r.error.split('\n')[0]})`} ${r.key}\n`,
        ),
    });
  } finally {
    unlisten();
    await session.close();
  }
  ctx.state.exitCode = EXIT.interrupted;
}

export const workerCommand: CliCommand = {
  name: 'worker',
  register(program: Command, ctx: CliContext) {
    withNatsAuthFlags(
      program
        .command('worker')
        .description(
          'Run sweep runs queued on a NATS server (`sweep --nats URL --jobs 0`), from any machine, until stopped.',
        )
        .requiredOption('--nats <urls>', 'the NATS server the sweep queues on', natsUrlArg)
        .option('--jobs <n>', 'runs at once', intIn(1, 64), 1)
        .option('--name <name>', 'this worker in results and logs (default worker-<host>-<pid>)')
        .option('--out <dir>', "keep each run's trace.jsonl and result.json under <dir>/<run>/")
        .option('--suite-dir <dir>', 'also look for suites in this directory'),
    ).action((flags: WorkerFlags) => workerAction(flags, ctx));
  },
};
