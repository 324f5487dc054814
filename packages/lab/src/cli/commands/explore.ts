import { join, resolve } from 'node:path';
import { Option, type Command } from 'commander';
import { DEFAULT_MODEL_ID } from '@llm-teams/agents';
import { openNatsSession } from '../../run/index.js';
import {
  SCHEDULE_FILES,
  connectForSchedules,
  exploreSchedules,
  scheduleTeamSchema,
  writeJson,
  writeScheduleOutput,
  type ExploreProgress,
  type ExploreResult,
  type ExploreStrategy,
} from '../../schedules/index.js';
import { loadSuite } from '../../suites/index.js';
import { CHECKERS } from '../../analysis/index.js';
import { EXIT, UsageError, type CliCommand, type CliContext } from '../cli-context.js';
import { choiceList, intIn, numberIn, seedArg } from '../cli-parsers.js';
import { checkModels, checkSuites, formatDuration, timestampId } from '../cli-validate.js';
import { natsCredentials, withEmbeddedNatsFlag, withNatsAuthFlags } from '../nats-auth-flags.js';

interface ExploreFlags {
  suite: string;
  p: number;
  agents: number;
  arch: 'decentralized' | 'single';
  model: string;
  seed: string;
  strategy: ExploreStrategy;
  schedules: number;
  searchSeed?: string;
  depth: number;
  timeWeight: number;
  switchProbability: number;
  dropProbability: number;
  maxDrops: number;
  unsafe?: ('board' | 'files')[];
  checkers?: string[];
  concurrency: number;
  controller: 'local' | 'nats';
  maxSteps: number;
  deadlineMs: number;
  shrink: boolean;
  shrinkRuns: number;
  replays: number;
  nats?: string;
  out?: string;
  suiteDir?: string;
  json?: boolean;
  quiet?: boolean;
}

/** What a person reads after an exploration. */
export function describeExplore(r: ExploreResult): string {
  const head =
    `${r.schedules} schedules in ${formatDuration(r.wallMs)} (${r.perSecond.toFixed(1)} schedules/s searching, ` +
    `${Math.round(r.meanSteps)} decisions each)` +
    (r.inconclusive > 0 ? `; ${r.inconclusive} did not reach the team's end` : '') +
    '\n';
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
          `  #${d.index}: ${d.action === 'drop' ? `drop ${d.step}` : d.step}${d.step !== d.fallback ? ` before ${d.fallback}` : ''}\n`,
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

async function exploreAction(flags: ExploreFlags, ctx: CliContext): Promise<void> {
  const { io } = ctx;
  if (!flags.model.startsWith('sim:')) {
    throw new UsageError(
      `--model ${flags.model}: controlled schedules need a simulated model (sim:<name>), whose replies take no time`,
    );
  }
  const searchDirs = flags.suiteDir ? [resolve(io.cwd, flags.suiteDir)] : undefined;
  checkModels([flags.model], io.env);
  await checkSuites([flags.suite], [flags.p], searchDirs ? { searchDirs } : {});
  const suite = await loadSuite({
    suite: flags.suite,
    p: flags.p,
    ...(searchDirs ? { searchDirs } : {}),
  });
  const team = scheduleTeamSchema.parse({
    suite: flags.suite,
    p: flags.p,
    arch: flags.arch,
    agents: flags.arch === 'single' ? 1 : flags.agents,
    model: flags.model,
    seed: flags.seed,
    unsafe: { board: flags.unsafe?.includes('board'), files: flags.unsafe?.includes('files') },
    deadlineMs: flags.deadlineMs,
    maxSteps: flags.maxSteps,
  });
  const outDir = resolve(
    io.cwd,
    flags.out ?? `runs/explore-${timestampId()}-${flags.suite}-${flags.arch}-n${team.agents}`,
  );
  const say = (s: string) => {
    if (!flags.quiet && !flags.json) io.stderr(s);
  };
  const controller = new AbortController();
  const onSignal = () => controller.abort();
  process.on('SIGINT', onSignal);
  const session = await openNatsSession({
    ...(flags.nats !== undefined ? { url: flags.nats } : {}),
    ...natsCredentials(flags, io),
  });
  say(
    `explore ${flags.suite} p=${flags.p} ${flags.arch} n=${team.agents} ${flags.model}: up to ${flags.schedules} ` +
      `${flags.strategy} schedules on ${session.embedded ? 'an embedded nats-server' : session.url}\n`,
  );
  let result: ExploreResult;
  try {
    const nc = await connectForSchedules(session.url, natsCredentials(flags, io));
    try {
      result = await exploreSchedules({
        nc,
        suite,
        team,
        strategy: flags.strategy,
        seed: flags.searchSeed ?? flags.seed,
        schedules: flags.schedules,
        depth: flags.depth,
        timeWeight: flags.timeWeight,
        switchProbability: flags.switchProbability,
        ...(flags.dropProbability > 0
          ? { drop: { probability: flags.dropProbability, max: flags.maxDrops } }
          : {}),
        concurrency: flags.concurrency,
        controller: flags.controller,
        ...(flags.checkers ? { checkers: flags.checkers } : {}),
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
  if (flags.json) io.stdout(JSON.stringify(json, null, 2) + '\n');
  else if (!flags.quiet) {
    io.stdout(describeExplore(result));
    if (written.length > 0) io.stdout(`wrote ${written.join(', ')}\n`);
  }
  ctx.state.exitCode = controller.signal.aborted
    ? EXIT.interrupted
    : failure
      ? EXIT.failed
      : EXIT.ok;
}

export const exploreCommand: CliCommand = {
  name: 'explore',
  register(program: Command, ctx: CliContext) {
    withNatsAuthFlags(
      withEmbeddedNatsFlag(program.command('explore'))
        .description(
          'Run a team under seeded controlled schedules until a checker fails; shrink the failing schedule and save schedule.json (exit 1 when one fails).',
        )
        .option('--suite <id>', 'task suite id (see packages/lab/suites)', 'tiny')
        .option(
          '--p <fraction>',
          'dependency structure: a p the suite declares',
          numberIn(0, 1),
          0.5,
        )
        .option('--agents <n>', 'team size n, 1 to 64', intIn(1, 64), 5)
        .addOption(
          new Option('--arch <arch>', 'team architecture (self-claiming teams)')
            .choices(['decentralized', 'single'])
            .default('decentralized'),
        )
        .option('--model <id>', 'a simulated model, sim:<name>', DEFAULT_MODEL_ID)
        .option('--seed <seed>', "the team's seed (models, ids)", seedArg, '1')
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
          '--drop-probability <p>',
          'chance that a chosen delivery is dropped (a fault)',
          numberIn(0, 1),
          0,
        )
        .option('--max-drops <n>', 'drops per schedule at most', intIn(0, 1000), 3)
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
        .option('--concurrency <n>', 'schedules run at once', intIn(1, 64), 8)
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
        .option('--deadline-ms <ms>', 'virtual-time limit of a run', intIn(1, 86_400_000), 10_000)
        .option('--no-shrink', 'save the failing schedule as found')
        .option('--shrink-runs <n>', 'team runs the shrinker may use', intIn(1, 100_000), 200)
        .option(
          '--replays <n>',
          'replays that must reproduce the saved schedule',
          intIn(0, 1000),
          3,
        )
        .option('--out <dir>', 'output directory (default runs/explore-<timestamp>-...)')
        .option('--suite-dir <dir>', 'also look for suites in this directory')
        .option('--json', 'print the summary as JSON on stdout')
        .option('--quiet', 'print nothing but errors'),
    ).action((flags: ExploreFlags) => exploreAction(flags, ctx));
  },
};
