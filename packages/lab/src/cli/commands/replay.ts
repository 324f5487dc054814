import { existsSync } from 'node:fs';
import { mkdir } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { Option, type Command } from 'commander';
import { ZodError } from 'zod';
import { openNatsSession } from '../../run/nats-session.js';
import { SCHEDULE_FILES, writeTraceFile } from '../../schedules/schedule-output.js';
import { connectForSchedules } from '../../schedules/schedule-connection.js';
import { firstTraceDifference } from '../../schedules/schedule-trace.js';
import {
  isDefinedScheduleTeam,
  readScheduleFile,
  type ScheduleFile,
} from '../../schedules/schedule-file.js';
import { loadScheduledTeam } from '../../schedules/scheduled-defined-team.js';
import { isTeamDir, type LoadedTeam } from '../../teams/team-dir.js';
import { replaySchedule, type ReplayResult } from '../../schedules/replay-schedule.js';
import { EXIT, UsageError, type CliCommand, type CliContext } from '../cli-context.js';
import { intIn } from '../cli-parsers.js';
import { natsCredentials, withEmbeddedNatsFlag, withNatsAuthFlags } from '../nats-auth-flags.js';

interface ReplayFlags {
  times: number;
  team?: string;
  controller?: 'local' | 'nats';
  nats?: string;
  out?: string;
  suiteDir?: string;
  json?: boolean;
  quiet?: boolean;
}

function describeReplay(file: ScheduleFile, r: ReplayResult, k: number): string {
  const o = r.outcome;
  const verdict = r.reproduced
    ? 'reproduced'
    : r.diverged
      ? `diverged: ${r.diverged}`
      : `differs (${[!r.sameTrace && 'trace', !r.sameFailures && 'failures'].filter(Boolean).join(', ')})`;
  return (
    `replay ${k + 1}: ${verdict}; ${o.end.steps}/${file.choices.length} decisions, ${o.status}, ` +
    (o.failed ? `failed: ${o.failures.join(', ')}` : 'no checker failed') +
    '\n' +
    (k === 0 ? o.findings.map((l) => `  ${l}\n`).join('') : '')
  );
}

/** A schedule of a team of one's own: its team, loaded from the file's directory or
 *  `--team`, and refused (exit 2) when its team.ts is not the one the schedule was found with. */
async function scheduledTeamOf(
  file: ScheduleFile,
  flags: ReplayFlags,
  cwd: string,
): Promise<LoadedTeam | undefined> {
  const team = file.team;
  if (!isDefinedScheduleTeam(team)) {
    if (flags.team !== undefined)
      throw new UsageError(
        `--team: the schedule is of the built-in team on suite ${team.suite}, not of a team directory`,
      );
    return undefined;
  }
  const dir = resolve(cwd, flags.team ?? team.dir);
  if (!isTeamDir(cwd, dir))
    throw new UsageError(
      `${flags.team !== undefined ? '--team' : '<schedule>'}: ${dir} is not a directory holding a team.ts` +
        (flags.team === undefined ? ' (the team moved? name its directory with --team)' : ''),
    );
  try {
    return await loadScheduledTeam(team, dir);
  } catch (err) {
    throw new UsageError(`--team: ${(err as Error).message}`);
  }
}

/** What `--json` prints. */
function replayJson(file: ScheduleFile, results: readonly ReplayResult[]) {
  return {
    reproduced: results.every((r) => r.reproduced),
    expected: file.outcome,
    replays: results.map((r) => ({
      reproduced: r.reproduced,
      sameTrace: r.sameTrace,
      sameFailures: r.sameFailures,
      ...(r.diverged ? { diverged: r.diverged } : {}),
      failures: r.outcome.failures,
      status: r.outcome.status,
      steps: r.outcome.end.steps,
      traceDigest: r.outcome.traceDigest,
    })),
  };
}

async function replayAction(path: string, flags: ReplayFlags, ctx: CliContext): Promise<void> {
  const { io } = ctx;
  const fileName = resolve(io.cwd, path);
  if (!existsSync(fileName)) throw new UsageError(`<schedule>: no such file ${fileName}`);
  let file: ScheduleFile;
  try {
    file = await readScheduleFile(fileName);
  } catch (err) {
    const why =
      err instanceof ZodError
        ? err.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; ')
        : String(err);
    throw new UsageError(`<schedule>: ${fileName} is not a schedule.json (${why})`);
  }
  const searchDirs = flags.suiteDir ? [resolve(io.cwd, flags.suiteDir)] : undefined;
  const definedTeam = await scheduledTeamOf(file, flags, io.cwd);
  const session = await openNatsSession({
    ...(flags.nats !== undefined ? { url: flags.nats } : {}),
    ...natsCredentials(flags, io),
  });
  const results: ReplayResult[] = [];
  const cleanups: Promise<void>[] = [];
  try {
    const nc = await connectForSchedules(session.url, natsCredentials(flags, io));
    try {
      for (let k = 0; k < flags.times; k++) {
        const r = await replaySchedule({
          nc,
          file,
          ...(searchDirs ? { searchDirs } : {}),
          ...(definedTeam ? { definedTeam } : {}),
          ...(flags.controller ? { controller: flags.controller } : {}),
          onCleanup: (p) => cleanups.push(p),
        });
        results.push(r);
        if (!flags.quiet && !flags.json) io.stdout(describeReplay(file, r, k));
      }
      await Promise.all(cleanups);
    } finally {
      await nc.drain();
    }
  } finally {
    await session.close();
  }
  const first = results[0];
  if (flags.out !== undefined && first) {
    const dir = resolve(io.cwd, flags.out);
    await mkdir(dir, { recursive: true });
    await writeTraceFile(join(dir, SCHEDULE_FILES.trace), first.outcome.events);
    if (!flags.quiet && !flags.json) io.stdout(`wrote ${join(dir, SCHEDULE_FILES.trace)}\n`);
  }
  const reproduced = results.every((r) => r.reproduced);
  if (flags.json) {
    io.stdout(JSON.stringify(replayJson(file, results), null, 2) + '\n');
  } else if (!flags.quiet && first && !first.reproduced && !first.diverged) {
    // The trace itself is not in the file, only its digest: say what the replays disagree on.
    const second = results[1];
    const diff = second
      ? firstTraceDifference(first.outcome.trace, second.outcome.trace)
      : undefined;
    if (diff) io.stdout(`replays 1 and 2 first differ at event ${diff.index}\n`);
  }
  ctx.state.exitCode = reproduced ? EXIT.ok : EXIT.failed;
}

export const replayCommand: CliCommand = {
  name: 'replay',
  register(program: Command, ctx: CliContext) {
    withNatsAuthFlags(
      withEmbeddedNatsFlag(program.command('replay'))
        .description(
          'Re-run a team under a saved schedule.json; exit 0 when every replay reproduces its trace and checker outcome.',
        )
        .argument('<schedule>', 'a schedule.json written by explore')
        .option('--times <n>', 'replays', intIn(1, 1000), 1)
        .option(
          '--team <dir>',
          "a team of one's own: its directory, when it is no longer where the schedule says",
        )
        .addOption(
          new Option(
            '--controller <where>',
            'decisions in-process or over NATS (default: as recorded)',
          ).choices(['local', 'nats']),
        )
        .option('--out <dir>', "write the first replay's trace.jsonl here")
        .option('--suite-dir <dir>', 'also look for suites in this directory')
        .option('--json', 'print the outcome as JSON on stdout')
        .option('--quiet', 'print nothing but errors'),
    ).action((schedule: string, flags: ReplayFlags) => replayAction(schedule, flags, ctx));
  },
};
