import type { TaskSuite } from '@llm-teams/agents';
import type { NatsConnection } from '@llm-teams/broker';
import { createReplayStrategy, RuntimeError } from '@llm-teams/runtime';
import { loadSuite, type SuiteSearchOptions } from '../suites/index.js';
import { decodeChoices, type ScheduleFile } from './schedule-file.js';
import { uniqueTeamName } from './schedule-trace.js';
import { runScheduledTeam, type ScheduledRunOutcome } from './scheduled-team-run.js';

export interface ReplayOptions extends SuiteSearchOptions {
  nc: NatsConnection;
  file: ScheduleFile;
  /** The suite, if already loaded; default: loaded by the file's suite id and p. */
  suite?: TaskSuite;
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
  const suite =
    options.suite ??
    (await loadSuite({
      suite: file.team.suite,
      p: file.team.p,
      ...(options.searchDirs ? { searchDirs: options.searchDirs } : {}),
    }));
  const outcome = await runScheduledTeam({
    nc: options.nc,
    suite,
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
