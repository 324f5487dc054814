import { resolve } from 'node:path';
import { Option, type Command } from 'commander';
import {
  DEFAULT_RUN_SPEC,
  RUN_FILES,
  openNatsSession,
  runExperiment,
  type RunRecord,
  type RunSpec,
} from '../../run/index.js';
import { EXIT, type CliCommand, type CliContext } from '../cli-context.js';
import { intIn, numberIn, seedArg } from '../cli-parsers.js';
import { checkModels, checkSuites, timestampId } from '../cli-validate.js';
import { createFaultController } from '../../faults/index.js';
import { loadRunFaults } from './chaos-faults.js';
import { natsCredentials, withEmbeddedNatsFlag, withNatsAuthFlags } from '../nats-auth-flags.js';

interface RunFlags {
  suite: string;
  p: number;
  agents: number;
  arch: RunSpec['arch'];
  model: string;
  seed: string;
  timeScale: number;
  deadlineMs?: number;
  nats?: string;
  out?: string;
  suiteDir?: string;
  json?: boolean;
  quiet?: boolean;
  faults?: string;
}

/** Two lines a person reads after a run. */
export function describeRecord(record: RunRecord): string {
  const { result: r, metrics: m } = record;
  const c = m.conflicts;
  const conflicts = c.concurrentWrites + c.rewrites + c.temporalViolations + c.duplicateClaims;
  return (
    `${r.status}${r.reason ? ` (${r.reason})` : ''}: makespan ${(r.makespanModelMs / 1000).toFixed(1)} s model time, ` +
    `${(r.wallMs / 1000).toFixed(1)} s wall; ${m.tasks.done}/${m.tasks.declared} tasks\n` +
    `tokens ${m.tokens.input} in / ${m.tokens.output} out; ${m.messages.total} messages; ` +
    `${conflicts} conflicts, ${c.refusedCas} refused CAS, ${m.testRuns.failed} failed test runs; ` +
    `checkers: ${m.checkers.errors} errors, ${m.checkers.warnings} warnings\n`
  );
}

async function runAction(flags: RunFlags, ctx: CliContext): Promise<void> {
  const { io } = ctx;
  const searchDirs = flags.suiteDir ? [resolve(io.cwd, flags.suiteDir)] : undefined;
  checkModels([flags.model], io.env);
  await checkSuites([flags.suite], [flags.p], searchDirs ? { searchDirs } : {});
  const spec: RunSpec = {
    suite: flags.suite,
    p: flags.p,
    arch: flags.arch,
    agents: flags.arch === 'single' ? 1 : flags.agents,
    model: flags.model,
    seed: flags.seed,
    timeScale: flags.timeScale,
    ...(flags.deadlineMs !== undefined ? { deadlineMs: flags.deadlineMs } : {}),
  };
  const outDir = resolve(
    io.cwd,
    flags.out ??
      `runs/${timestampId()}-${spec.suite}-p${spec.p}-${spec.arch}-n${spec.agents}-s${spec.seed}`,
  );
  const say = (s: string) => {
    if (!flags.quiet && !flags.json) io.stderr(s);
  };
  const faultPlan =
    flags.faults !== undefined ? await loadRunFaults(flags.faults, io.cwd, spec) : undefined;
  const session = await openNatsSession({
    ...(flags.nats !== undefined ? { url: flags.nats } : {}),
    ...natsCredentials(flags, io),
  });
  say(
    `run ${spec.suite} p=${spec.p} ${spec.arch} n=${spec.agents} ${spec.model} seed ${spec.seed} ` +
      `on ${session.embedded ? `an embedded nats-server (${session.url})` : session.url}\n`,
  );
  // Always serves the control subject, so `llm-teams chaos` can reach the team.
  const faults = createFaultController({
    ...(faultPlan ? { plan: faultPlan } : {}),
    seed: spec.seed,
    timeScale: spec.timeScale,
    nc: session.nc,
    onStarted: ({ team }) => say(`team ${team}: live faults with llm-teams chaos --team ${team}\n`),
  });
  let record: RunRecord;
  try {
    record = await runExperiment({
      spec,
      nc: session.nc,
      outDir,
      ...(searchDirs ? { searchDirs } : {}),
      teamOptions: faults.teamOptions(),
    });
  } finally {
    await faults.close();
    await session.close();
  }
  if (flags.json) {
    const { result, metrics, ...rest } = record;
    io.stdout(
      JSON.stringify(
        { ...rest, outDir, result: { ...result, usage: result.usage.run }, metrics },
        null,
        2,
      ) + '\n',
    );
  } else if (!flags.quiet) {
    io.stdout(describeRecord(record));
    io.stdout(
      `wrote ${Object.values(RUN_FILES)
        .map((f) => resolve(outDir, f))
        .join(', ')}\n`,
    );
  }
  ctx.state.exitCode = record.result.status === 'completed' ? EXIT.ok : EXIT.failed;
}

export const runCommand: CliCommand = {
  name: 'run',
  register(program: Command, ctx: CliContext) {
    const d = DEFAULT_RUN_SPEC;
    withNatsAuthFlags(
      withEmbeddedNatsFlag(program.command('run'))
        .description(
          'Run one team on one task suite; writes result.json, trace.jsonl and report.html.',
        )
        .option('--suite <id>', 'task suite id (see packages/lab/suites)', d.suite)
        .option(
          '--p <fraction>',
          'dependency structure: a p the suite declares',
          numberIn(0, 1),
          d.p,
        )
        .option('--agents <n>', 'team size n, 1 to 64 (single: always 1)', intIn(1, 64), d.agents)
        .addOption(
          new Option('--arch <arch>', 'team architecture')
            .choices(['centralized', 'decentralized', 'single'])
            .default(d.arch),
        )
        .option(
          '--model <id>',
          'model id: sim:<name>, anthropic:<model>, openai:<model>, ...',
          d.model,
        )
        .option('--seed <seed>', 'seed of every random choice', seedArg, d.seed)
        .option(
          '--time-scale <x>',
          'real ms per simulated model ms, in (0, 10]',
          numberIn(0, 10, true),
          d.timeScale,
        )
        .option(
          '--deadline-ms <ms>',
          'stop the run after this much real time',
          intIn(1, 86_400_000),
        )
        .option(
          '--out <dir>',
          'output directory (default runs/<timestamp>-<suite>-p<p>-<arch>-n<n>-s<seed>)',
        )
        .option('--suite-dir <dir>', 'also look for suites in this directory')
        .option(
          '--faults <file>',
          'inject the faults a YAML or JSON file describes (docs/faults.md)',
        )
        .option('--json', 'print the record as JSON on stdout')
        .option('--quiet', 'print nothing but errors'),
    ).action((flags: RunFlags) => runAction(flags, ctx));
  },
};
