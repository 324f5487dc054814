import { cpSync, mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { onTestFinished } from 'vitest';

/** The team of the command-line tests: a poet and an editor on a scripted model. */
export const HAIKU_TEAM = new URL('../cli/fixtures/haiku-team', import.meta.url).pathname;
const ROOT = new URL('../../../..', import.meta.url).pathname;

/**
 * A copy of the haiku team that one test may change (delete its script once recorded, ...):
 * inside the checkout, where its imports resolve, and removed when the test finishes.
 */
export function copyHaikuTeam(prefix: string): string {
  mkdirSync(join(ROOT, 'runs'), { recursive: true });
  const copy = mkdtempSync(join(ROOT, 'runs', prefix));
  onTestFinished(() => rmSync(copy, { recursive: true, force: true }));
  const team = join(copy, 'haiku');
  cpSync(HAIKU_TEAM, team, { recursive: true });
  return team;
}
