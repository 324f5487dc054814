import { createHash } from 'node:crypto';
import { resolve } from 'node:path';
import cliProgress from 'cli-progress';
import { Option, type Command } from 'commander';
import { DEFAULT_MODEL_ID } from '@llm-teams/agents';
import { ARCHITECTURES } from '../../run/run-spec.js';
import { listSuites } from '../../suites/suite-loader.js';
import {
  SWEEP_PRESETS,
  sweepGridSchema,
  type SweepGrid,
  type SweepPresetName,
} from '../../sweep/sweep-grid.js';
import { runSweep, type SweepProgress } from '../../sweep/run-sweep.js';
import { EXIT, UsageError, type CliCommand, type CliContext } from '../cli-context.js';
import {
  choiceList,
  intIn,
  intList,
  modelMixes,
  numberIn,
  numberList,
  seedArg,
  stringList,
} from '../cli-parsers.js';
import { checkModels, checkSuites, formatDuration } from '../cli-validate.js';
import { natsAuthFlagsOf, withEmbeddedNatsFlag, withNatsAuthFlags } from '../nats-auth-flags.js';
import { usageLimitsOf, withUsageLimitFlags, type UsageLimitFlags } from '../limit-flags.js';
import { MODEL_TIME_ORDER_HELP, NO_MODEL_TIME_ORDER_HELP } from './run-flags.js';

interface SweepFlags extends UsageLimitFlags {
  preset?: SweepPresetName;
  suites?: string[];
  p?: number[];
  agents?: number[];
  arch?: SweepGrid['arch'];
  model?: string[];
  models?: Record<string, string>[];
  workload?: ('fixed' | 'scaled')[];
  reps?: number;
  seed?: string;
  timeScale?: number;
  deadlineMs?: number;
  modelTimeOrder?: boolean;
  jobs?: number;
  limit?: number;
  nats?: string;
  out?: string;
  suiteDir?: string;
  traces: boolean;
  quiet?: boolean;
}

/** Without a preset: a small grid on one suite. */
const DEFAULT_GRID: SweepGrid = {
  suites: ['math'],
  p: [0.5],
  agents: [1, 2, 3],
  arch: ['centralized', 'decentralized'],
  models: [DEFAULT_MODEL_ID],
  reps: 1,
  seed: '1',
  timeScale: 0.001,
};

const PRESET_NAMES = Object.keys(SWEEP_PRESETS) as SweepPresetName[];

/** `runs/sweep-<hash>`: the same grid gets the same directory, so re-running resumes it. */
export function defaultSweepDir(grid: SweepGrid): string {
  const { timeScale: _t, deadlineMs: _d, ...shape } = grid;
  return `runs/sweep-${createHash('sha1').update(JSON.stringify(shape)).digest('hex').slice(0, 10)}`;
}

function progressPrinter(ctx: CliContext, quiet: boolean) {
  const { io } = ctx;
  if (quiet) return { update: (_: SweepProgress) => undefined, stop: () => undefined };
  if (io.isTTY) {
    const bar = new cliProgress.SingleBar(
      {
        format:
          'sweep [{bar}] {percentage}% | {value}/{total} runs | {failed} failed | ETA {etaText} | {last}',
        hideCursor: true,
        clearOnComplete: false,
        barsize: 30,
      },
      cliProgress.Presets.shades_classic,
    );
    let started = false;
    return {
      update(p: SweepProgress) {
        const payload = {
          failed: p.failed,
          etaText: p.etaMs === undefined ? '?' : formatDuration(p.etaMs),
          last: p.last ? `${p.last.status} ${p.last.key}`.slice(0, 70) : '',
        };
        if (!started) {
          bar.start(p.total, p.done, payload);
          started = true;
        } else bar.update(p.done, payload);
      },
      stop: () => {
        if (started) bar.stop();
      },
    };
  }
  // Not a terminal (CI, a log file): one line per finished run.
  return {
    update(p: SweepProgress) {
      if (!p.last) return;
      const width = String(p.total).length;
      const eta = p.etaMs === undefined ? '' : ` ETA ${formatDuration(p.etaMs)}`;
      const err = p.last.error ? `: ${p.last.error}` : '';
      io.stderr(
        `[${String(p.done).padStart(width)}/${p.total}] ${p.last.status} ${p.last.key}${err}${eta}\n`,
      );
    },
    stop: () => undefined,
  };
}

/**
 * The grid the flags ask for: a preset (or the default grid) with the flags over it. A preset
 * names the paper's suites; those installed are run, and the missing ones named.
 */
async function sweepGridOf(
  flags: SweepFlags,
  io: CliContext['io'],
  searchDirs: string[] | undefined,
): Promise<SweepGrid> {
  const base = structuredClone(
    flags.preset ? (SWEEP_PRESETS[flags.preset] as SweepGrid) : DEFAULT_GRID,
  );
  let suites = flags.suites ?? base.suites;
  if (flags.preset && !flags.suites) {
    const known = new Set((await listSuites(searchDirs ? { searchDirs } : {})).map((s) => s.id));
    const missing = suites.filter((s) => !known.has(s));
    if (missing.length > 0)
      io.stderr(
        `warning: preset ${flags.preset}: suite ${missing.join(', ')} not installed; running ${suites.filter((s) => known.has(s)).join(', ')}\n`,
      );
    suites = suites.filter((s) => known.has(s));
    if (suites.length === 0)
      throw new UsageError(`--preset ${flags.preset}: none of its suites is installed`);
  }
  return sweepGridSchema.parse({
    suites,
    p: flags.p ?? base.p,
    agents: flags.agents ?? base.agents,
    arch: flags.arch ?? base.arch,
    models: flags.model ?? base.models,
    ...(flags.models !== undefined ? { mixes: flags.models } : {}),
    ...(flags.workload !== undefined ? { workloads: flags.workload } : {}),
    reps: flags.reps ?? base.reps,
    seed: flags.seed ?? base.seed,
    timeScale: flags.timeScale ?? base.timeScale,
    ...(flags.deadlineMs !== undefined ? { deadlineMs: flags.deadlineMs } : {}),
    ...(flags.modelTimeOrder !== undefined ? { modelTimeOrder: flags.modelTimeOrder } : {}),
  });
}

/** Usage errors of a grid: models without credentials, suites or p values that do not exist. */
async function checkSweepGrid(
  grid: SweepGrid,
  io: CliContext['io'],
  searchDirs: string[] | undefined,
): Promise<void> {
  checkModels(grid.models, io.env);
  checkModels(
    (grid.mixes ?? []).flatMap((m) => Object.values(m)),
    io.env,
    '--models',
  );
  await checkSuites(grid.suites, grid.p, {
    suiteFlag: '--suites',
    pFlag: '--p',
    ...(searchDirs ? { searchDirs } : {}),
  });
}

/**
 * SIGINT and SIGTERM stop the sweep in order (a second one exits at once) until `dispose`.
 * `on`, not `once`: while a listener remains, the broker's own signal hook (which stops the
 * embedded server) does not re-raise the signal, so the sweep can stop in order.
 */
function stopOnSignals(io: CliContext['io']) {
  const controller = new AbortController();
  let interrupted = false;
  const onSignal = () => {
    // A second signal means now.
    if (interrupted) process.exit(EXIT.interrupted);
    interrupted = true;
    io.stderr('\nstopping: runs in flight are abandoned; run the same command again to resume\n');
    controller.abort();
  };
  process.on('SIGINT', onSignal);
  process.on('SIGTERM', onSignal);
  return {
    signal: controller.signal,
    interrupted: () => interrupted,
    dispose() {
      process.off('SIGINT', onSignal);
      process.off('SIGTERM', onSignal);
    },
  };
}

async function sweepAction(flags: SweepFlags, ctx: CliContext): Promise<void> {
  const { io } = ctx;
  const searchDirs = flags.suiteDir ? [resolve(io.cwd, flags.suiteDir)] : undefined;
  const grid = await sweepGridOf(flags, io, searchDirs);
  await checkSweepGrid(grid, io, searchDirs);
  const outDir = resolve(io.cwd, flags.out ?? defaultSweepDir(grid));
  if (flags.jobs === 0 && flags.nats === undefined) {
    throw new UsageError(
      '--jobs 0 queues the runs for `llm-teams worker` processes: give the --nats server they pull from',
    );
  }
  const stop = stopOnSignals(io);
  const usageLimits = usageLimitsOf(flags);
  const progress = progressPrinter(ctx, flags.quiet === true);
  if (!flags.quiet) io.stderr(`sweep into ${outDir}\n`);
  if (!flags.quiet && flags.jobs === 0)
    io.stderr(
      `runs queued on ${flags.nats}: start workers with llm-teams worker --nats ${flags.nats}\n`,
    );
  try {
    const outcome = await runSweep({
      grid,
      outDir,
      traces: flags.traces,
      signal: stop.signal,
      onProgress: (p) => progress.update(p),
      ...(flags.jobs !== undefined ? { jobs: flags.jobs } : {}),
      ...(flags.limit !== undefined ? { limit: flags.limit } : {}),
      ...(flags.nats !== undefined ? { natsUrl: flags.nats } : {}),
      natsAuthFlags: natsAuthFlagsOf(flags),
      ...(searchDirs ? { searchDirs } : {}),
      ...(usageLimits ? { usageLimits } : {}),
    });
    progress.stop();
    if (!flags.quiet) {
      io.stdout(
        `${outcome.status}: ${outcome.total} runs in the grid, ${outcome.resumed} done before, ${outcome.ran} run now (${outcome.failed} failed)\n` +
          `wrote ${outcome.files.results}, ${outcome.files.summary}, ${outcome.files.report}\n`,
      );
    }
    ctx.state.exitCode = stop.interrupted()
      ? EXIT.interrupted
      : outcome.failed > 0
        ? EXIT.failed
        : EXIT.ok;
  } finally {
    progress.stop();
    stop.dispose();
  }
}

export const sweepCommand: CliCommand = {
  name: 'sweep',
  register(program: Command, ctx: CliContext) {
    withUsageLimitFlags(
      withNatsAuthFlags(
        withEmbeddedNatsFlag(program.command('sweep'))
          .description(
            'Run a grid (suites x p x agents x arch x model x reps) in parallel, resumably; writes results.jsonl, summary.json and report.html.',
          )
          .addOption(
            new Option('--preset <name>', 'start from a named grid (flags override it)').choices(
              PRESET_NAMES,
            ),
          )
          .option('--suites <ids>', 'comma-separated suite ids (default math)', stringList)
          .option('--p <list>', 'comma-separated p values (default 0.5)', numberList(0, 1))
          .option('--agents <list>', 'team sizes, e.g. 1-5 or 1,2,4 (default 1-3)', intList(1, 64))
          .option(
            '--arch <list>',
            `architectures: ${ARCHITECTURES.join(', ')} (default centralized,decentralized)`,
            choiceList(ARCHITECTURES),
          )
          .option(
            '--model <ids>',
            `comma-separated model ids (default ${DEFAULT_MODEL_ID})`,
            stringList,
          )
          .option(
            '--models <mixes>',
            'heterogeneous teams: mixes separated by ";", each <member|role>=<model>,...; "none" is the plain team (e.g. "none;coord1=sim:gpt-5.2")',
            modelMixes,
          )
          .option(
            '--workload <list>',
            'fixed (the suite as it is) and/or scaled (one copy of its task graph per agent) (default fixed)',
            choiceList(['fixed', 'scaled'] as const),
          )
          .option(
            '--reps <n>',
            'repetitions per cell, each with its own seed (default 1)',
            intIn(1, 1000),
          )
          .option('--seed <seed>', 'base seed; rep r runs with <seed>-r<r> (default 1)', seedArg)
          .option(
            '--time-scale <x>',
            'real ms per simulated model ms, in (0, 10] (default 0.001)',
            numberIn(0, 10, true),
          )
          .option('--deadline-ms <ms>', 'real-time limit of each run', intIn(1, 86_400_000))
          .option('--model-time-order', MODEL_TIME_ORDER_HELP)
          .option('--no-model-time-order', NO_MODEL_TIME_ORDER_HELP)
          .option(
            '--jobs <n>',
            'runs in parallel (default: the available cores); 0 queues them on --nats for `llm-teams worker` processes',
            intIn(0, 256),
          )
          .option(
            '--limit <n>',
            'run at most this many runs now, then stop (resume later)',
            intIn(0, 1_000_000),
          )
          .option(
            '--out <dir>',
            'output directory (default runs/sweep-<hash of the grid>: re-running resumes)',
          )
          .option('--suite-dir <dir>', 'also look for suites in this directory')
          .option('--no-traces', "do not keep each run's trace.jsonl and result.json")
          .option('--quiet', 'print nothing but errors'),
      ),
    ).action((flags: SweepFlags) => sweepAction(flags, ctx));
  },
};
