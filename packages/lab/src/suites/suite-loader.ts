import { basename } from 'node:path';
import type { TaskSuite } from '@llm-teams/agents';
import { LabError } from '../lab-error.js';
import {
  BUILT_IN_SUITES_DIR,
  composeStructure,
  discoverSuiteDirs,
  readSuiteManifest,
  readSuiteSource,
  resolveSuiteDir,
  type SuiteSearchOptions,
  type SuiteSource,
} from './suite-source.js';
import {
  SuiteValidationError,
  checkDeclaredStructure,
  graphIsSound,
  suiteIssue,
  validateTaskSuite,
  type SuiteIssue,
} from './suite-validation.js';

export interface LoadSuiteOptions extends SuiteSearchOptions {
  /** A suite id (`math`, looked up in `searchDirs`, then the built-in suites) or a suite directory path. */
  suite: string;
  /** Which dependency structure: one of the p values the suite declares (0.9, 0.5, 0.2 for the built-ins). */
  p: number;
}

export interface ValidateSuiteOptions extends SuiteSearchOptions {
  /** A suite id or a suite directory path, as for `loadSuite`. */
  suite: string;
}

export interface SuiteStructureSummary {
  p: number;
  taskCount: number;
  criticalPath: number;
  description?: string;
}

export interface SuiteSummary {
  id: string;
  name: string;
  description: string;
  dir: string;
  /** Shipped with the project (under `packages/lab/suites/`) rather than found in `searchDirs`. */
  builtIn: boolean;
  /** A suite for the project's own tests (e.g. `tiny`), not for experiments. */
  fixture: boolean;
  structures: SuiteStructureSummary[];
}

const sameP = (a: number, b: number): boolean => Math.abs(a - b) < 1e-9;

/** Every problem of a suite read from disk, across all its structures. */
export function checkSuiteSource(source: SuiteSource): SuiteIssue[] {
  const issues = [...source.issues];
  const manifest = source.manifest;
  if (manifest === undefined) return issues;
  const seenP: number[] = [];
  for (const structure of manifest.structures) {
    if (seenP.some((p) => sameP(p, structure.p))) {
      issues.push(
        suiteIssue(
          { suite: source.id, p: structure.p },
          'DUPLICATE_STRUCTURE',
          'two structures declare this p',
        ),
      );
    }
    seenP.push(structure.p);
    const composed = composeStructure(source, structure);
    const present = new Set(composed.suite.tasks.map((t) => t.id));
    const omitted = new Set(structure.tasks.map((t) => t.task).filter((id) => !present.has(id)));
    const taskIssues = validateTaskSuite(composed.suite, { omitted });
    issues.push(...composed.issues, ...taskIssues);
    issues.push(
      ...checkDeclaredStructure(
        composed.suite,
        structure,
        omitted.size === 0 && graphIsSound(taskIssues),
      ),
    );
  }
  return issues;
}

/**
 * Every problem of a suite on disk: manifests, files, each structure's graph, files and
 * imports, and its declared task count, critical path and p. Empty when the suite is sound.
 * Throws `LabError('UNKNOWN_SUITE')` only when there is no such suite at all.
 */
export async function validateSuite(options: ValidateSuiteOptions): Promise<SuiteIssue[]> {
  const dir = await resolveSuiteDir(options.suite, options);
  return checkSuiteSource(await readSuiteSource(dir));
}

/**
 * One suite in one dependency structure, ready to run. The whole suite (every structure) is
 * validated first, so a malformed suite fails here with a `SuiteValidationError` listing every
 * problem, before any run starts; an undeclared p is a `LabError('UNKNOWN_STRUCTURE')`.
 */
export async function loadSuite(options: LoadSuiteOptions): Promise<TaskSuite> {
  const dir = await resolveSuiteDir(options.suite, options);
  const source = await readSuiteSource(dir);
  const structure = source.manifest?.structures.find((s) => sameP(s.p, options.p));
  if (source.manifest !== undefined && structure === undefined) {
    const declared = source.manifest.structures.map((s) => s.p).join(', ');
    throw new LabError(
      'UNKNOWN_STRUCTURE',
      `suite "${source.id}" has no structure with p = ${options.p}; it declares p = ${declared}`,
    );
  }
  const issues = checkSuiteSource(source);
  if (issues.length > 0 || structure === undefined)
    throw new SuiteValidationError(source.id, issues);
  return composeStructure(source, structure).suite;
}

/** The suites in the search path (extra directories first, then the built-in ones), by id. */
export async function listSuites(options: SuiteSearchOptions = {}): Promise<SuiteSummary[]> {
  const summaries: SuiteSummary[] = [];
  for (const dir of await discoverSuiteDirs(options)) {
    const manifest = await readSuiteManifest(dir);
    summaries.push({
      id: manifest.id,
      name: manifest.name,
      description: manifest.description,
      dir,
      builtIn: dir.startsWith(BUILT_IN_SUITES_DIR),
      fixture: manifest.fixture ?? false,
      structures: manifest.structures.map((s) => ({
        p: s.p,
        taskCount: s.taskCount,
        criticalPath: s.criticalPath,
        ...(s.description === undefined ? {} : { description: s.description }),
      })),
    });
  }
  return summaries.sort(
    (a, b) => a.id.localeCompare(b.id) || basename(a.dir).localeCompare(basename(b.dir)),
  );
}
