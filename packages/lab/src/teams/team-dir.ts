import { createHash } from 'node:crypto';
import { existsSync, readFileSync, statSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { AgentsError, defineTeam, type TeamDefinition } from '@llm-teams/agents';
import { LabError } from '../lab-error.js';

/** A team directory, loaded: its definition and a digest of its `team.ts`. */
export interface LoadedTeam {
  dir: string;
  file: string;
  definition: TeamDefinition;
  /** sha256 of `team.ts` (what joining nodes compare; files it imports are not included). */
  digest: string;
}

export const TEAM_FILE = 'team.ts';

/** Whether `value` (resolved against `cwd`) is a directory holding a `team.ts`. A value that
 *  is not is a running team's name (`--team` means either, docs/cli.md). */
export function isTeamDir(cwd: string, value: string): boolean {
  const dir = resolve(cwd, value);
  return existsSync(dir) && statSync(dir).isDirectory() && existsSync(join(dir, TEAM_FILE));
}

let tsLoader: Promise<void> | undefined;

/** Loads TypeScript for a process that runs compiled JavaScript (an installed CLI). Where a
 *  loader is already in place (the CLI in a checkout runs under tsx; tests under vitest), the
 *  team file imports directly and shares the process's modules, so there is one runtime. */
function registerTypeScript(): Promise<void> {
  tsLoader ??= import('tsx/esm/api').then(({ register }) => {
    register();
  });
  return tsLoader;
}

/**
 * Imports `<dir>/team.ts` and checks its default export (`defineTeam`). Errors name the file:
 * a missing file, a module that fails to load, a default export that is not a team.
 */
export async function loadTeamDir(dir: string): Promise<LoadedTeam> {
  const file = join(dir, TEAM_FILE);
  if (!existsSync(file))
    throw new LabError(
      'INVALID_TEAM',
      `${dir} holds no ${TEAM_FILE} (a team directory has one, default-exporting defineTeam({...}))`,
    );
  const url = pathToFileURL(file).href;
  let mod: { default?: unknown };
  try {
    mod = (await import(url)) as { default?: unknown };
  } catch (err) {
    if ((err as { code?: string }).code !== 'ERR_UNKNOWN_FILE_EXTENSION')
      throw new LabError('INVALID_TEAM', `${file} failed to load: ${(err as Error).message}`, {
        cause: err,
      });
    await registerTypeScript();
    // Node keeps the failed import of `url`: import it again under another URL (a query),
    // which the loader just registered now loads.
    mod = (await import(`${url}?ts`)) as { default?: unknown };
  }
  if (mod.default === undefined)
    throw new LabError(
      'INVALID_TEAM',
      `${file} has no default export: end it with export default defineTeam({...})`,
    );
  try {
    const definition = defineTeam(mod.default as TeamDefinition);
    const digest = createHash('sha256').update(readFileSync(file)).digest('hex');
    return { dir, file, definition, digest };
  } catch (err) {
    if (err instanceof AgentsError)
      throw new LabError('INVALID_TEAM', `${file}: ${err.message}`, { cause: err });
    throw err;
  }
}
