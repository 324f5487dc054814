/**
 * System time: a command's default run directory is stamped with the machine's time
 * (`timestampId`).
 */
import { checkModelCredentials } from '@llm-teams/agents';
import { listSuites, type SuiteSummary } from '../suites/suite-loader.js';
import type { SuiteSearchOptions } from '../suites/suite-source.js';
import { UsageError } from './cli-context.js';

const sameP = (a: number, b: number) => Math.abs(a - b) < 1e-9;

/** Checks each model id (format, known sim model, API key present), naming the flag on failure. */
export function checkModels(
  models: readonly string[],
  env: NodeJS.ProcessEnv,
  flag = '--model',
): void {
  for (const model of models) {
    try {
      checkModelCredentials(model, env);
    } catch (err) {
      throw new UsageError(`${flag} ${model}: ${err instanceof Error ? err.message : String(err)}`);
    }
  }
}

/**
 * Checks that every suite exists and declares every p, naming the flag and the allowed values.
 * A path (containing `/`) is taken as a suite directory and left to the loader.
 */
export async function checkSuites(
  suites: readonly string[],
  ps: readonly number[],
  options: SuiteSearchOptions & { suiteFlag?: string; pFlag?: string } = {},
): Promise<SuiteSummary[]> {
  const known = await listSuites(options);
  const found: SuiteSummary[] = [];
  for (const id of suites) {
    if (id.includes('/')) continue;
    const suite = known.find((s) => s.id === id);
    if (!suite) {
      throw new UsageError(
        `${options.suiteFlag ?? '--suite'}: unknown suite "${id}". Available: ${known.map((s) => s.id).join(', ')}.`,
      );
    }
    const declared = suite.structures.map((s) => s.p);
    const missing = ps.filter((p) => !declared.some((d) => sameP(d, p)));
    if (missing.length > 0) {
      throw new UsageError(
        `${options.pFlag ?? '--p'}: suite ${id} has no structure with p = ${missing.join(', ')}. Allowed values: ${declared.join(', ')}.`,
      );
    }
    found.push(suite);
  }
  return found;
}

/** `2026-03-14T09-26-53` (local time), for default output directories. */
export function timestampId(date = new Date()): string {
  const pad = (n: number) => String(n).padStart(2, '0');
  return `${date.getFullYear()}${pad(date.getMonth() + 1)}${pad(date.getDate())}-${pad(date.getHours())}${pad(date.getMinutes())}${pad(date.getSeconds())}`;
}

/** `1m05s`, `42s`, `1h02m`. */
export function formatDuration(ms: number): string {
  const s = Math.max(0, Math.round(ms / 1000));
  if (s < 60) return `${s}s`;
  const m = Math.floor(s / 60);
  if (m < 60) return `${m}m${String(s % 60).padStart(2, '0')}s`;
  return `${Math.floor(m / 60)}h${String(m % 60).padStart(2, '0')}m`;
}
