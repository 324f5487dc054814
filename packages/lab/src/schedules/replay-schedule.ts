import type { TaskSuite } from '@llm-teams/agents';
import type { NatsConnection } from '@llm-teams/broker';
import { createReplayStrategy, RuntimeError } from '@llm-teams/runtime';
import { loadSuite } from '../suites/suite-loader.js';
import type { SuiteSearchOptions } from '../suites/suite-source.js';
import type { LoadedTeam } from '../teams/team-dir.js';
import { decodeChoices, isDefinedScheduleTeam, type ScheduleFile } from './schedule-file.js';
import { loadScheduledTeam } from './scheduled-defined-team.js';
import { uniqueTeamName } from './schedule-trace.js';
import { runScheduledTeam, type ScheduledRunOutcome } from './scheduled-team-run.js';

export interface ReplayOptions extends SuiteSearchOptions {
  nc: NatsConnection;
  file: ScheduleFile;
  /** The suite, if already loaded; default: loaded by the file's suite id and p. */
  suite?: TaskSuite;
  /** A team of one's own, if already loaded; default: loaded from the file's directory (or
   *  `teamDir`), refused if its team.ts changed. */
  definedTeam?: LoadedTeam;
  teamDir?: string;
  /** Default: `uniqueTeamName()`. */
  teamName?: string;
  prefix?: string;
  /** Where decisions are made. Default: as recorded in the file. */
  controller?: 'local' | 'nats';
  checkers?: readonly string[];
  onCleanup?: (done: Promise<void>) => void;
}

export interface ReplayResult {
  outcome: ScheduledRunOutcome;
  /** Same trace (modulo wall clock and team name) and same failing checkers. */
  reproduced: boolean;
  sameTrace: boolean;
  sameFailures: boolean;
  /** Why the run left the schedule, when it did. */
  diverged?: string;
}

/** Re-runs a team under a saved schedule, following its choices exactly. */
export async function replaySchedule(options: ReplayOptions): Promise<ReplayResult> {
  const { file } = options;
  const team = file.team;
  const subject = isDefinedScheduleTeam(team)
    ? { definedTeam: options.definedTeam ?? (await loadScheduledTeam(team, options.teamDir)) }
    : {
        suite:
          options.suite ??
          (await loadSuite({
            suite: team.suite,
            p: team.p,
            ...(options.searchDirs ? { searchDirs: options.searchDirs } : {}),
          })),
      };
  const outcome = await runScheduledTeam({
    nc: options.nc,
    ...subject,
    team: file.team,
    strategy: createReplayStrategy(decodeChoices(file.choices)),
    teamName: options.teamName ?? uniqueTeamName(),
    ...(options.prefix !== undefined ? { prefix: options.prefix } : {}),
    controller: options.controller ?? file.controller,
    ...(options.checkers ? { checkers: options.checkers } : {}),
    ...(options.onCleanup ? { onCleanup: options.onCleanup } : {}),
  });
  const sameTrace = outcome.traceDigest === file.outcome.traceDigest;
  const sameFailures =
    outcome.failed === file.outcome.failed &&
    outcome.failures.join(',') === file.outcome.failures.join(',');
  const err = outcome.end.error;
  const diverged =
    outcome.end.reason === 'error'
      ? err instanceof RuntimeError || err instanceof Error
        ? err.message
        : String(err)
      : undefined;
  return {
    outcome,
    reproduced: sameTrace && sameFailures && diverged === undefined,
    sameTrace,
    sameFailures,
    ...(diverged !== undefined ? { diverged } : {}),
  };
}
