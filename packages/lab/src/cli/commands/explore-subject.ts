import { resolve } from 'node:path';
import type { Command } from 'commander';
import type { TaskSuite } from '@llm-teams/agents';
import {
  definedScheduleTeamSchema,
  scheduleTeamSchema,
  type AnyScheduleTeam,
  type ScheduleArchitecture,
} from '../../schedules/schedule-file.js';
import { checkSchedulableTeam } from '../../schedules/scheduled-defined-team.js';
import { BUG_NAMES, knownBug, type KnownBug } from '../../schedules/bug-zoo.js';
import type { ExploreStrategy } from '../../schedules/explore-schedules.js';
import { loadSuite } from '../../suites/suite-loader.js';
import type { LoadedTeam } from '../../teams/team-dir.js';
import { UsageError, type CliIo } from '../cli-context.js';
import { checkModels, checkSuites } from '../cli-validate.js';
import { flagName, loadTeamFlag, resolveModelArg } from './team-flags.js';
import { faultTeamSettings, type ExploreFaultFlags } from './explore-faults.js';

/** `explore`'s flags, and what they say is searched: a built-in team on a suite, or a team of
 *  one's own (`--team`). */
export interface ExploreFlags extends ExploreFaultFlags {
  team?: string;
  suite: string;
  p: number;
  /** Default: the bug's, else 5. */
  agents?: number;
  arch?: ScheduleArchitecture;
  bug?: string;
  modelTimeOrder?: boolean;
  model: string;
  seed: string;
  strategy: ExploreStrategy;
  schedules: number;
  searchSeed?: string;
  depth: number;
  timeWeight: number;
  switchProbability: number;
  unsafe?: ('board' | 'files')[];
  checkers?: string[];
  concurrency: number;
  threads: number;
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

/** The bug `--bug` names (undefined without one), checked against `--arch`. */
export function bugOf(flags: ExploreFlags): KnownBug | undefined {
  if (flags.bug === undefined) return undefined;
  const bug = knownBug(flags.bug);
  if (!bug) {
    throw new UsageError(
      `--bug ${flags.bug}: no such bug; known bugs: ${BUG_NAMES.join(', ')} (--bug list describes them)`,
    );
  }
  if (flags.arch !== undefined && flags.arch !== bug.arch) {
    throw new UsageError(`--bug ${bug.name} lives in ${bug.arch} teams, not --arch ${flags.arch}`);
  }
  return bug;
}

/** What `explore` searches: a built-in team on a suite, or a team of one's own. */
export interface ExploreSubject {
  team: AnyScheduleTeam;
  suite?: TaskSuite;
  definedTeam?: LoadedTeam;
  bug?: KnownBug;
  checkers?: string[];
  /** How the first line names it. */
  label: string;
  /** The default output directory's name. */
  outName: string;
}

/** Flags of a built-in team that mean nothing for a team of one's own. */
const SUITE_FLAGS = [
  'suite',
  'p',
  'agents',
  'arch',
  'bug',
  'unsafe',
  'suiteDir',
  'modelTimeOrder',
] as const;

export async function suiteSubject(flags: ExploreFlags, io: CliIo): Promise<ExploreSubject> {
  const bug = bugOf(flags);
  const arch = flags.arch ?? bug?.arch ?? 'decentralized';
  const checkers = flags.checkers ?? (bug ? [...bug.checkers] : undefined);
  if (flags.modelTimeOrder === true && arch !== 'centralized') {
    throw new UsageError(
      `--model-time-order orders a coordinator's idle workers: a ${arch} team has no coordinator`,
    );
  }
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
    arch,
    model: flags.model,
    seed: flags.seed,
    unsafe: { board: flags.unsafe?.includes('board'), files: flags.unsafe?.includes('files') },
    ...bug?.team,
    agents: arch === 'single' ? 1 : (flags.agents ?? bug?.team?.agents ?? 5),
    ...faultTeamSettings(flags),
    ...(bug ? { bug: bug.name } : {}),
    ...(flags.modelTimeOrder === true ? { modelTimeOrder: true } : {}),
    deadlineMs: flags.deadlineMs,
    maxSteps: flags.maxSteps,
  });
  return {
    team,
    suite,
    ...(bug ? { bug } : {}),
    ...(checkers ? { checkers } : {}),
    label:
      `${flags.suite} p=${flags.p} ${arch}${bug ? ` with bug ${bug.name}` : ''} ` +
      `n=${team.agents} ${flags.model}`,
    outName: `${flags.suite}-${bug ? `${bug.name}-` : ''}${arch}-n${team.agents}`,
  };
}

/** `--team <dir>`: a team of one's own, every member on a scripted or replayed model. */
export async function definedSubject(
  flags: ExploreFlags & { team: string },
  command: Command,
  io: CliIo,
): Promise<ExploreSubject> {
  for (const f of SUITE_FLAGS)
    if (command.getOptionValueSource(f) === 'cli')
      throw new UsageError(
        `${flagName(f)} does not apply with --team (the team says who works and how)`,
      );
  const definedTeam = await loadTeamFlag(flags.team, io.cwd);
  const model =
    command.getOptionValueSource('model') === 'cli'
      ? resolveModelArg(flags.model, io.cwd)
      : undefined;
  if (model !== undefined) checkModels([model], io.env);
  const { definition } = definedTeam;
  const team = definedScheduleTeamSchema.parse({
    kind: 'defined',
    dir: definedTeam.dir,
    name: definition.name,
    digest: definedTeam.digest,
    ...(model !== undefined ? { model } : {}),
    seed: flags.seed,
    ...faultTeamSettings(flags),
    deadlineMs: flags.deadlineMs,
    maxSteps: flags.maxSteps,
  });
  try {
    checkSchedulableTeam(definedTeam, team);
  } catch (err) {
    throw new UsageError(`--team: ${(err as Error).message}`);
  }
  const members = Object.keys(definition.members).length;
  return {
    team,
    definedTeam,
    ...(flags.checkers ? { checkers: flags.checkers } : {}),
    label: `team ${definition.name} (${definedTeam.dir}), ${members} members`,
    outName: definition.name,
  };
}
