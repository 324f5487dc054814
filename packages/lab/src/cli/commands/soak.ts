import { copyFile } from 'node:fs/promises';
import { resolve } from 'node:path';
import type { Command } from 'commander';
import { formatSoakTable, runSoak } from '../../soak/soak-report.js';
import { lostWriteCount } from '../../soak/soak-run.js';
import { EXIT, type CliCommand, type CliContext } from '../cli-context.js';
import { intIn, numberIn, seedArg } from '../cli-parsers.js';
import { checkSuites, timestampId } from '../cli-validate.js';

interface SoakFlags {
  runs: number;
  from: number;
  seed: string;
  json?: string;
  out?: string;
  suite: string;
  timeScale: number;
  deadlineMs: number;
  quiet?: boolean;
}

async function soakAction(flags: SoakFlags, ctx: CliContext): Promise<void> {
  const { io } = ctx;
  await checkSuites([flags.suite], [0.5]);
  const outDir = resolve(io.cwd, flags.out ?? `runs/soak-${timestampId()}-s${flags.seed}`);
  let interrupted = false;
  const stop = () => {
    interrupted = true;
  };
  process.once('SIGINT', stop);
  const say = (s: string) => {
    if (!flags.quiet) io.stderr(s);
  };
  say(`soak: ${flags.runs} runs, seed ${flags.seed}, in ${outDir}\n`);
  let report;
  try {
    report = await runSoak({
      runs: flags.runs,
      from: flags.from,
      seed: flags.seed,
      outDir,
      suite: flags.suite,
      timeScale: flags.timeScale,
      deadlineMs: flags.deadlineMs,
      stopped: () => interrupted,
      onRun: (r, done) =>
        say(
          `run ${r.index + 1} (${done}/${flags.runs}, ${r.arch}, ${r.families.join('+')}): ${r.error ?? r.status}, ` +
            `${lostWriteCount(r)} lost writes, ${r.duplicateCompletions} duplicate completions, ` +
            `faults ${r.faults.injected}/${r.faults.traced} injected/traced, ${r.checkerErrors} checker errors, ${(r.wallMs / 1000).toFixed(1)} s\n`,
        ),
    });
  } finally {
    process.off('SIGINT', stop);
  }
  io.stdout(formatSoakTable(report));
  if (flags.json !== undefined) await copyFile(`${outDir}/soak.json`, resolve(io.cwd, flags.json));
  const s = report.summary;
  const clean =
    s.completed === s.runs &&
    s.lostWrites === 0 &&
    s.duplicateCompletions === 0 &&
    s.faultsInjected === s.faultsTraced &&
    s.checkerErrors === 0;
  ctx.state.exitCode = interrupted ? EXIT.interrupted : clean ? EXIT.ok : EXIT.failed;
}

export const soakCommand: CliCommand = {
  name: 'soak',
  register(program: Command, ctx: CliContext) {
    program
      .command('soak')
      .description(
        'Chaos soak: seeded teams (both architectures) on a fresh three-server cluster each, under a random mix of agent crashes and kills, drops, duplicates, reordering, a healing partition and a server SIGKILL; prints a table and writes soak.json (docs/soak.md).',
      )
      .option('--runs <n>', 'runs, one after another', intIn(1, 10_000), 10)
      .option(
        '--from <n>',
        'number of the first run (1-based, as in the table): --from 19 --runs 1 is run 19 alone',
        intIn(1, 10_000),
        1,
      )
      .option('--seed <seed>', 'seed of the soak: run i uses <seed>-i', seedArg, '1')
      .option('--json <file>', 'also write the table as JSON here (soak.json is always written)')
      .option(
        '--out <dir>',
        'directory for soak.json and each run (default runs/soak-<time>-s<seed>)',
      )
      .option('--suite <id>', 'task suite of every run', 'tiny')
      .option('--time-scale <x>', 'real ms per simulated model ms', numberIn(0, 10, true), 0.02)
      .option(
        '--deadline-ms <ms>',
        'a run still going after this much real time is stopped (not completed)',
        intIn(1000, 86_400_000),
        180_000,
      )
      .option('--quiet', 'print only the table')
      .action((flags: SoakFlags) => soakAction(flags, ctx));
  },
};
