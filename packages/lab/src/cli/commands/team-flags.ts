/**
 * The flags of a run of one's own team (`--team <dir>`): the team loaded, its running name
 * checked, a script model's path resolved, and the suite run's flags that mean nothing for it.
 * `run --team`, `node --team` and `explore --team` read them alike.
 */
import { resolve } from 'node:path';
import { assertToken } from '@llm-teams/broker';
import { isTeamDir, loadTeamDir, type LoadedTeam } from '../../teams/team-dir.js';
import { UsageError } from '../cli-context.js';

/** Suite flags that mean nothing for a team of one's own. */
export const SUITE_FLAGS = ['suite', 'p', 'agents', 'arch', 'suiteDir'] as const;
/**
 * Flags of a suite's run that mean nothing for a team of one's own, and why (docs/cli.md).
 * Every other flag of `run` works with `--team` (`--team-name` is `--name`).
 */
export const NOT_FOR_TEAMS = {
  verify:
    "it has the built-in centralized team's coordinator send each result to n reviewers; " +
    'a team of your own says in its team.ts what is verified and by whom: give it a ' +
    'quorumChair member (docs/protocols.md, examples/review-panel)',
  modelTimeOrder:
    "it orders the built-in centralized team's coordinator's idle workers by model time; " +
    'a team of your own schedules its work in its own members',
} as const;

/** The running team's name: `--name`, or `--team-name` (the suite runs' flag) meaning the
 *  same; both only when they agree. */
export function nameFlag(flags: { name?: string; teamName?: string }): string | undefined {
  if (flags.teamName !== undefined && flags.name !== undefined && flags.teamName !== flags.name)
    throw new UsageError(
      `--team-name ${flags.teamName} and --name ${flags.name}: both name the running team; give one`,
    );
  return flags.name ?? flags.teamName;
}

/** A relative `script:` path given on the command line is the working directory's. */
export function resolveModelArg(model: string, cwd: string): string {
  return model.startsWith('script:') ? `script:${resolve(cwd, model.slice(7))}` : model;
}

/** Loads `--team <dir>`, naming the flag in every error. */
export async function loadTeamFlag(value: string, cwd: string): Promise<LoadedTeam> {
  if (!isTeamDir(cwd, value))
    throw new UsageError(`--team: ${value} is not a directory holding a team.ts`);
  try {
    return await loadTeamDir(resolve(cwd, value));
  } catch (err) {
    throw new UsageError(`--team: ${(err as Error).message}`);
  }
}

export function checkName(name: string | undefined): void {
  if (name === undefined) return;
  try {
    assertToken('team name', name);
  } catch (err) {
    throw new UsageError(`--name: ${(err as Error).message}`);
  }
}

/** What refusing a flag says, and why it does not apply to a team of one's own. */
export function flagName(f: string): string {
  return `--${f.replace(/[A-Z]/g, (c) => `-${c.toLowerCase()}`)}`;
}
