import { isAbsolute, resolve } from 'node:path';
import { DEFAULT_MODEL_ID } from '../models/index.js';
import type { TeamDefinition } from './team-definition.js';

/** A member's model id: its own, else the run's; a relative `script:` path is resolved
 *  against the team's directory. */
export function memberModel(own: string | undefined, run: string, dir: string | undefined): string {
  const id = own ?? run;
  if (own === undefined || dir === undefined || !id.startsWith('script:')) return id;
  const file = id.slice('script:'.length);
  return isAbsolute(file) ? id : `script:${resolve(dir, file)}`;
}

/** The run's default model: `--model`, else the team's, else the default. */
export function runModel(definition: TeamDefinition, given: string | undefined, dir?: string) {
  if (given !== undefined) return given;
  if (definition.model === undefined) return DEFAULT_MODEL_ID;
  return memberModel(definition.model, DEFAULT_MODEL_ID, dir);
}

/** The model a member of `definition` uses: its own, else `given` (`--model`), else the
 *  team's, else the default; `script:` paths resolved against the team's directory. */
export function memberModelId(
  definition: TeamDefinition,
  own: string | undefined,
  given: string | undefined,
  dir: string | undefined,
): string {
  return memberModel(own, runModel(definition, given, dir), dir);
}
