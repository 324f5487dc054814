/**
 * System time: progress lines are throttled for a person watching, on the machine's time.
 */
import { join, resolve } from 'node:path';
import { Option, type Command } from 'commander';
import { DEFAULT_MODEL_ID } from '@llm-teams/agents';
import { openNatsSession } from '../../run/nats-session.js';
import { SCHEDULE_FILES, writeJson, writeScheduleOutput } from '../../schedules/schedule-output.js';
import { connectForSchedules } from '../../schedules/schedule-connection.js';
import {
  exploreSchedules,
  SEARCH_CONCURRENCY,
  type ExploreProgress,
  type ExploreResult,
} from '../../schedules/explore-schedules.js';
import { SCHEDULE_ARCHITECTURES } from '../../schedules/schedule-file.js';
import { listBugs } from '../../schedules/bug-zoo.js';
import { CHECKERS } from '../../analysis/analyze-trace.js';
import { EXIT, type CliCommand, type CliContext } from '../cli-context.js';
import { choiceList, intIn, numberIn, seedArg } from '../cli-parsers.js';
import { formatDuration, timestampId } from '../cli-validate.js';
import { natsCredentials, withEmbeddedNatsFlag, withNatsAuthFlags } from '../nats-auth-flags.js';
import {
  definedSubject,
  suiteSubject,
  type ExploreFlags,
  type ExploreSubject,
} from './explore-subject.js';
import { exploreFaults, withExploreFaultFlags } from './explore-faults.js';

/** What a person reads after an exploration. */
export function describeExplore(r: ExploreResult): string {
  const head =
    `${r.schedules} schedules in ${formatDuration(r.wallMs)} (${r.perSecond.toFixed(1)} schedules/s searching, ` +
    `${Math.round(r.meanSteps)} decisions each)` +
    (r.inconclusive > 0 ? `; ${r.inconclusive} did not reach the team's end` : '') +
    '\n' +
    (Object.keys(r.faults).length > 0
      ? `faults chosen: ${Object.entries(r.faults)
          .map(([k, n]) => `${n} ${k}`)
          .join(', ')}\n`
      : '');
  const f = r.failure;
  if (!f) return head + 'no checker failed\n';
  const ok = f.replays.filter((x) => x.reproduced).length;
  return (
    head +
    `schedule ${f.index} (strategy seed ${f.strategySeed}) failed: ${f.original.failures.join(', ')}\n` +
    f.original.findings.map((l) => `  ${l}\n`).join('') +
    `shrunk from ${f.original.deviations} to ${f.schedule.deviations.length} deviations from the default order ` +
    `(${f.shrinkRuns} runs${f.minimal ? ', 1-minimal' : ''}); still fails: ${f.schedule.outcome.failures.join(', ')}\n` +
    f.schedule.deviations
      .map(
        (d) =>
          `  #${d.index}: ${d.action ? `${d.action} ${d.step}` : d.step}${d.step !== d.fallback ? ` before ${d.fallback}` : ''}\n`,
      )
      .join('') +
    `replayed ${ok}/${f.replays.length} times to the same trace\n`
  );
}

function progressPrinter(ctx: CliContext, quiet: boolean) {
  let lastPhase = '';
  let lastAt = 0;
  return (p: ExploreProgress) => {
    if (quiet) return;
    const now = Date.now();
    const done = p.done === p.total;
    if (p.phase === lastPhase && !done && now - lastAt < (ctx.io.isTTY ? 200 : 2000)) return;
    lastPhase = p.phase;
    lastAt = now;
    const size = p.deviations !== undefined ? `, ${p.deviations} deviations` : '';
    const line = `${p.phase} ${p.done}/${p.total}${size}`;
    ctx.io.stderr(ctx.io.isTTY ? `\r${line.padEnd(60)}${done ? '\n' : ''}` : `${line}\n`);
  };
}

async function exploreAction(
  flags: ExploreFlags,
  command: Command,
  ctx: CliContext,
): Promise<void> {
  const { io } = ctx;
  if (flags.bug === 'list') {
    io.stdout(listBugs());
    ctx.state.exitCode = EXIT.ok;
    return;
  }
  const subject =
    flags.team !== undefined
      ? await definedSubject({ ...flags, team: flags.team }, command, io)
      : await suiteSubject(flags, io);
  const outDir = resolve(io.cwd, flags.out ?? `runs/explore-${timestampId()}-${subject.outName}`);
  const { result, interrupted } = await explore(flags, subject, ctx);
  const { json, written } = await writeExploreOutput(result, flags, subject.team, outDir);
  if (flags.json) io.stdout(JSON.stringify(json, null, 2) + '\n');
  else if (!flags.quiet) {
    io.stdout(describeExplore(result));
    if (written.length > 0) io.stdout(`wrote ${written.join(', ')}\n`);
  }
  ctx.state.exitCode = interrupted ? EXIT.interrupted : result.failure ? EXIT.failed : EXIT.ok;
}

/**
 * Searches the subject's schedules on a NATS session of its own (embedded unless --nats);
 * SIGINT stops the search (`interrupted`).
 */
async function explore(
  flags: ExploreFlags,
  subject: ExploreSubject,
  ctx: CliContext,
): Promise<{ result: ExploreResult; interrupted: boolean }> {
  const { io } = ctx;
  const { team, bug, checkers } = subject;
  const controller = new AbortController();
  const onSignal = () => controller.abort();
  process.on('SIGINT', onSignal);
  const session = await openNatsSession({
    ...(flags.nats !== undefined ? { url: flags.nats } : {}),
    ...natsCredentials(flags, io),
  });
  if (!flags.quiet && !flags.json) {
    io.stderr(
      `explore ${subject.label}: up to ${flags.schedules} ${flags.strategy} schedules ` +
        `on ${session.embedded ? 'an embedded nats-server' : session.url}\n`,
    );
  }
  let result: ExploreResult;
  try {
    const nc = await connectForSchedules(session.url, natsCredentials(flags, io));
    try {
      result = await exploreSchedules({
        nc,
        ...(subject.suite ? { suite: subject.suite } : {}),
        ...(subject.definedTeam ? { definedTeam: subject.definedTeam } : {}),
        team,
        strategy: flags.strategy,
        seed: flags.searchSeed ?? flags.seed,
        schedules: flags.schedules,
        depth: flags.depth,
        timeWeight: flags.timeWeight,
        switchProbability: flags.switchProbability,
        ...exploreFaults(flags, bug),
        concurrency: flags.concurrency,
        ...(flags.threads > 1
          ? { threads: { count: flags.threads, url: session.url, ...natsCredentials(flags, io) } }
          : {}),
        controller: flags.controller,
        ...(checkers ? { checkers } : {}),
        shrink: flags.shrink,
        maxShrinkRuns: flags.shrinkRuns,
        replays: flags.replays,
        signal: controller.signal,
        onProgress: progressPrinter(ctx, flags.quiet === true || flags.json === true),
      });
    } finally {
      await nc.drain();
    }
  } finally {
    process.off('SIGINT', onSignal);
    await session.close();
  }
  return { result, interrupted: controller.signal.aborted };
}

/**
 * The summary of an exploration, and the files written: a failing schedule, its trace and the
 * summary under `outDir`; nothing when no schedule failed.
 */
async function writeExploreOutput(
  result: ExploreResult,
  flags: ExploreFlags,
  team: ExploreSubject['team'],
  outDir: string,
): Promise<{ json: Record<string, unknown>; written: string[] }> {
  const written: string[] = [];
  if (result.failure) {
    const files = await writeScheduleOutput(
      outDir,
      result.failure.schedule,
      result.failure.outcome.events,
    );
    written.push(files.schedule, files.trace);
  }
  const { failure, ...summary } = result;
  const json = {
    ...summary,
    team,
    strategy: flags.strategy,
    ...(failure
      ? {
          failure: {
            index: failure.index,
            strategySeed: failure.strategySeed,
            original: failure.original,
            shrinkRuns: failure.shrinkRuns,
            minimal: failure.minimal,
            deviations: failure.schedule.deviations,
            outcome: failure.schedule.outcome,
            replays: failure.replays.map((r) => ({
              reproduced: r.reproduced,
              ...(r.diverged ? { diverged: r.diverged } : {}),
            })),
          },
        }
      : {}),
    files: written,
  };
  if (failure) {
    await writeJson(join(outDir, SCHEDULE_FILES.summary), json);
    written.push(join(outDir, SCHEDULE_FILES.summary));
  }
  return { json, written };
}

/** The team explored: a suite's or one of your own, and how it is set up. */
function withSubjectFlags(command: Command): Command {
  return command
    .option(
      '--team <dir>',
      'explore a team of your own: a directory holding team.ts (docs/sdk.md) instead of a suite',
    )
    .option('--suite <id>', 'task suite id (see packages/lab/suites)', 'tiny')
    .option('--p <fraction>', 'dependency structure: a p the suite declares', numberIn(0, 1), 0.5)
    .option('--agents <n>', "team size n, 1 to 64 (default: the bug's, else 5)", intIn(1, 64))
    .addOption(
      new Option(
        '--arch <arch>',
        "team architecture (default: the bug's, else decentralized)",
      ).choices([...SCHEDULE_ARCHITECTURES]),
    )
    .option(
      '--bug <name>',
      'switch on a known-broken protocol variant (docs/bugs); `--bug list` names them',
    )
    .option(
      '--model <id>',
      "a simulated model, sim:<name> (with --team: script:<file> or replay:<cassette>, default the team's own)",
      DEFAULT_MODEL_ID,
    )
    .option('--seed <seed>', "the team's seed (models, ids)", seedArg, '1')
    .option(
      '--model-time-order',
      'centralized: the coordinator gives out work in model-time order (default off; docs/schedules.md)',
    );
}

/** How schedules are chosen and run. */
function withSearchFlags(command: Command): Command {
  return command
    .addOption(
      new Option('--strategy <name>', 'how schedules are chosen')
        .choices(['random', 'pct'])
        .default('random'),
    )
    .option('--schedules <n>', 'schedules to try at most', intIn(1, 10_000_000), 100)
    .option('--search-seed <seed>', 'seed of the strategies (default: --seed)', seedArg)
    .option('--depth <d>', 'pct: bug depth (d - 1 priority change points)', intIn(1, 100), 3)
    .option(
      '--time-weight <w>',
      'random: weight of firing the next timer against 1 per other step',
      numberIn(0, 1000),
      0.2,
    )
    .option(
      '--switch-probability <p>',
      'random: chance that a decision departs from the default order',
      numberIn(0, 1),
      0.1,
    )
    .option(
      '--unsafe <parts>',
      'TEST ONLY: a broken protocol without compare-and-set on board, files (comma-separated)',
      choiceList(['board', 'files'] as const),
    )
    .option(
      '--checkers <names>',
      `checkers whose errors count (default all): ${CHECKERS.join(', ')}`,
      choiceList(CHECKERS),
    )
    .option(
      '--concurrency <n>',
      'schedules run at once on each thread',
      intIn(1, 64),
      SEARCH_CONCURRENCY,
    )
    .option(
      '--threads <n>',
      'threads that search, each on its own connection (shrinking stays on one)',
      intIn(1, 64),
      1,
    )
    .addOption(
      new Option('--controller <where>', 'decisions in-process, or by a controller on NATS')
        .choices(['local', 'nats'])
        .default('local'),
    )
    .option(
      '--max-steps <n>',
      'decisions per schedule before it is wound down',
      intIn(10, 1e7),
      20_000,
    )
    .option('--deadline-ms <ms>', 'virtual-time limit of a run', intIn(1, 86_400_000), 10_000);
}

/** What is done with a failing schedule, and what is printed. */
function withOutputFlags(command: Command): Command {
  return command
    .option('--no-shrink', 'save the failing schedule as found')
    .option('--shrink-runs <n>', 'team runs the shrinker may use', intIn(1, 100_000), 200)
    .option('--replays <n>', 'replays that must reproduce the saved schedule', intIn(0, 1000), 3)
    .option('--out <dir>', 'output directory (default runs/explore-<timestamp>-...)')
    .option('--suite-dir <dir>', 'also look for suites in this directory')
    .option('--json', 'print the summary as JSON on stdout')
    .option('--quiet', 'print nothing but errors');
}

export const exploreCommand: CliCommand = {
  name: 'explore',
  register(program: Command, ctx: CliContext) {
    const command = withExploreFaultFlags(withEmbeddedNatsFlag(program.command('explore')));
    command.description(
      'Run a team under seeded controlled schedules until a checker fails; shrink the failing schedule and save schedule.json (exit 1 when one fails).',
    );
    withNatsAuthFlags(withOutputFlags(withSearchFlags(withSubjectFlags(command)))).action(
      (flags: ExploreFlags, command: Command) => exploreAction(flags, command, ctx),
    );
  },
};
