import { createHash } from 'node:crypto';
import { resolve } from 'node:path';
import cliProgress from 'cli-progress';
import { Option, type Command } from 'commander';
import { DEFAULT_MODEL_ID } from '@llm-teams/agents';
import { ARCHITECTURES } from '../../run/index.js';
import { listSuites } from '../../suites/index.js';
import {
  SWEEP_PRESETS,
  runSweep,
  sweepGridSchema,
  type SweepGrid,
  type SweepPresetName,
  type SweepProgress,
} from '../../sweep/index.js';
import { EXIT, UsageError, type CliCommand, type CliContext } from '../cli-context.js';
import {
  choiceList,
  intIn,
  intList,
  numberIn,
  numberList,
  seedArg,
  stringList,
} from '../cli-parsers.js';
import { checkModels, checkSuites, formatDuration } from '../cli-validate.js';
import { natsAuthFlagsOf, withEmbeddedNatsFlag, withNatsAuthFlags } from '../nats-auth-flags.js';

interface SweepFlags {
  preset?: SweepPresetName;
  suites?: string[];
  p?: number[];
  agents?: number[];
  arch?: SweepGrid['arch'];
  model?: string[];
  reps?: number;
  seed?: string;
  timeScale?: number;
  deadlineMs?: number;
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

async function sweepAction(flags: SweepFlags, ctx: CliContext): Promise<void> {
  const { io } = ctx;
  const searchDirs = flags.suiteDir ? [resolve(io.cwd, flags.suiteDir)] : undefined;
  const base = structuredClone(
    flags.preset ? (SWEEP_PRESETS[flags.preset] as SweepGrid) : DEFAULT_GRID,
  );
  let suites = flags.suites ?? base.suites;
  if (flags.preset && !flags.suites) {
    // A preset names the paper's suites; run those installed, and say which are missing.
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
  const grid = sweepGridSchema.parse({
    suites,
    p: flags.p ?? base.p,
    agents: flags.agents ?? base.agents,
    arch: flags.arch ?? base.arch,
    models: flags.model ?? base.models,
    reps: flags.reps ?? base.reps,
    seed: flags.seed ?? base.seed,
    timeScale: flags.timeScale ?? base.timeScale,
    ...(flags.deadlineMs !== undefined ? { deadlineMs: flags.deadlineMs } : {}),
  });
  checkModels(grid.models, io.env);
  await checkSuites(grid.suites, grid.p, {
    suiteFlag: '--suites',
    pFlag: '--p',
    ...(searchDirs ? { searchDirs } : {}),
  });
  const outDir = resolve(io.cwd, flags.out ?? defaultSweepDir(grid));

  const controller = new AbortController();
  let interrupted = false;
  const onSignal = () => {
    // A second signal means now.
    if (interrupted) process.exit(EXIT.interrupted);
    interrupted = true;
    io.stderr('\nstopping: runs in flight are abandoned; run the same command again to resume\n');
    controller.abort();
  };
  // `on`, not `once`: while a listener remains, the broker's own signal hook (which stops the
  // embedded server) does not re-raise the signal, so the sweep can stop in order.
  process.on('SIGINT', onSignal);
  process.on('SIGTERM', onSignal);
  const progress = progressPrinter(ctx, flags.quiet === true);
  if (!flags.quiet) io.stderr(`sweep into ${outDir}\n`);
  try {
    const outcome = await runSweep({
      grid,
      outDir,
      traces: flags.traces,
      signal: controller.signal,
      onProgress: (p) => progress.update(p),
      ...(flags.jobs !== undefined ? { jobs: flags.jobs } : {}),
      ...(flags.limit !== undefined ? { limit: flags.limit } : {}),
      ...(flags.nats !== undefined ? { natsUrl: flags.nats } : {}),
      natsAuthFlags: natsAuthFlagsOf(flags),
      ...(searchDirs ? { searchDirs } : {}),
    });
    progress.stop();
    if (!flags.quiet) {
      io.stdout(
        `${outcome.status}: ${outcome.total} runs in the grid, ${outcome.resumed} done before, ${outcome.ran} run now (${outcome.failed} failed)\n` +
          `wrote ${outcome.files.results}, ${outcome.files.summary}, ${outcome.files.report}\n`,
      );
    }
    ctx.state.exitCode = interrupted
      ? EXIT.interrupted
      : outcome.failed > 0
        ? EXIT.failed
        : EXIT.ok;
  } finally {
    progress.stop();
    process.off('SIGINT', onSignal);
    process.off('SIGTERM', onSignal);
  }
}

export const sweepCommand: CliCommand = {
  name: 'sweep',
  register(program: Command, ctx: CliContext) {
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
        .option('--jobs <n>', 'runs in parallel (default: the available cores)', intIn(1, 256))
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
    ).action((flags: SweepFlags) => sweepAction(flags, ctx));
  },
};
