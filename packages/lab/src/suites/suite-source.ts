import { readdir, readFile, stat } from 'node:fs/promises';
import { basename, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { TaskSpec, TaskSuite } from '@llm-teams/agents';
import type { z } from 'zod';
import { LabError } from '../lab-error.js';
import {
  MISTAKES_FILE,
  applyMistake,
  mistakeCatalogSchema,
  type MistakeEntry,
} from './mistake-catalog.js';
import { mergeModuleFragment, mergeSpecFragment } from './module-fragment.js';
import {
  TASK_ID_PATTERN,
  describeZodError,
  suiteManifestSchema,
  taskManifestSchema,
  type StructureManifest,
  type SuiteManifest,
  type TaskManifest,
} from './suite-manifest.js';
import { suiteIssue, type SuiteIssue } from './suite-validation.js';

/** Where the suites shipped with the project live: `packages/lab/suites/`. */
export const BUILT_IN_SUITES_DIR = fileURLToPath(new URL('../../suites/', import.meta.url));

export interface SuiteSearchOptions {
  /**
   * Extra directories holding suite directories (`<dir>/<suite-id>/suite.json`), searched in
   * order before the built-in one, so a user's suite can shadow a built-in. Default: none.
   */
  searchDirs?: readonly string[];
}

/** Files of one task or variant, keyed by workspace path. */
interface TaskFiles {
  spec: string | undefined;
  reference: Record<string, string>;
  tests: Record<string, string>;
  /** The mistake catalog beside the reference (a variant's applies to the merged files). */
  mistakes: MistakeEntry[];
  /** Why `mistakes.json` could not be read. */
  mistakesProblem?: string;
}

interface TaskSource extends TaskFiles {
  id: string;
  manifest: TaskManifest | undefined;
  variants: Map<string, TaskFiles>;
}

/** A suite directory as read from disk, with whatever problems reading it showed. */
export interface SuiteSource {
  dir: string;
  /** The manifest id, or the directory name when the manifest is unreadable. */
  id: string;
  manifest: SuiteManifest | undefined;
  tasks: Map<string, TaskSource>;
  issues: SuiteIssue[];
}

async function isFile(path: string): Promise<boolean> {
  return stat(path).then(
    (s) => s.isFile(),
    () => false,
  );
}

async function isDirectory(path: string): Promise<boolean> {
  return stat(path).then(
    (s) => s.isDirectory(),
    () => false,
  );
}

async function readOptional(path: string): Promise<string | undefined> {
  return (await isFile(path)) ? readFile(path, 'utf8') : undefined;
}

/** Every file under `dir`, keyed by its POSIX path relative to `dir`; `{}` if there is no `dir`. */
async function readTree(dir: string): Promise<Record<string, string>> {
  if (!(await isDirectory(dir))) return {};
  const entries = await readdir(dir, { recursive: true, withFileTypes: true });
  const files: Record<string, string> = {};
  for (const entry of entries) {
    if (!entry.isFile()) continue;
    const full = join(entry.parentPath, entry.name);
    const rel = full
      .slice(dir.length + 1)
      .split(/[\\/]/)
      .join('/');
    files[rel] = await readFile(full, 'utf8');
  }
  return Object.fromEntries(Object.entries(files).sort(([a], [b]) => a.localeCompare(b)));
}

async function readTaskFiles(dir: string): Promise<TaskFiles> {
  const catalog = await readOptional(join(dir, MISTAKES_FILE));
  const parsed = catalog === undefined ? undefined : parseManifest(catalog, mistakeCatalogSchema);
  return {
    spec: await readOptional(join(dir, 'spec.md')),
    reference: await readTree(join(dir, 'reference')),
    tests: await readTree(join(dir, 'tests')),
    mistakes: parsed?.ok ? parsed.data.mistakes : [],
    ...(parsed && !parsed.ok
      ? { mistakesProblem: `${MISTAKES_FILE} is invalid: ${parsed.why}` }
      : {}),
  };
}

async function subdirectories(dir: string): Promise<string[]> {
  if (!(await isDirectory(dir))) return [];
  const entries = await readdir(dir, { withFileTypes: true });
  return entries
    .filter((e) => e.isDirectory())
    .map((e) => e.name)
    .sort();
}

/** JSON text checked against a schema; `why` explains a failure in one line. */
function parseManifest<T>(
  text: string,
  schema: z.ZodType<T>,
): { ok: true; data: T } | { ok: false; why: string } {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (err) {
    return {
      ok: false,
      why: `not valid JSON (${err instanceof Error ? err.message : String(err)})`,
    };
  }
  const parsed = schema.safeParse(value);
  return parsed.success
    ? { ok: true, data: parsed.data }
    : { ok: false, why: describeZodError(parsed.error) };
}

/** Reads and checks `suite.json`; throws a clear `LabError` if it is missing or malformed. */
export async function readSuiteManifest(dir: string): Promise<SuiteManifest> {
  const path = join(dir, 'suite.json');
  const text = await readOptional(path);
  if (text === undefined)
    throw new LabError('UNKNOWN_SUITE', `no suite at ${dir}: ${path} does not exist`);
  const parsed = parseManifest(text, suiteManifestSchema);
  if (!parsed.ok) {
    throw new LabError('INVALID_SUITE', `suite at ${dir}: suite.json is invalid: ${parsed.why}`);
  }
  return parsed.data;
}

/** Reads a whole suite directory. Problems become issues; only an unreadable directory throws. */
export async function readSuiteSource(dir: string): Promise<SuiteSource> {
  const dirName = basename(resolve(dir));
  const issues: SuiteIssue[] = [];
  let manifest: SuiteManifest | undefined;
  try {
    manifest = await readSuiteManifest(dir);
  } catch (err) {
    if (!(err instanceof LabError)) throw err;
    const code = err.code === 'UNKNOWN_SUITE' ? 'MISSING_FILE' : 'INVALID_MANIFEST';
    issues.push(suiteIssue({ suite: dirName }, code, err.message));
  }
  const id = manifest?.id ?? dirName;

  const tasks = new Map<string, TaskSource>();
  const tasksDir = join(dir, 'tasks');
  for (const taskId of await subdirectories(tasksDir)) {
    const taskDir = join(tasksDir, taskId);
    const at = { suite: id, task: taskId };
    if (!TASK_ID_PATTERN.test(taskId)) {
      issues.push(
        suiteIssue(
          at,
          'INVALID_MANIFEST',
          'the directory name is not a valid task id (lower-case letters, digits, "-", "_")',
        ),
      );
    }
    const taskJson = await readOptional(join(taskDir, 'task.json'));
    let taskManifest: TaskManifest | undefined;
    if (taskJson === undefined) {
      issues.push(suiteIssue(at, 'MISSING_FILE', 'has no task.json'));
    } else {
      const parsed = parseManifest(taskJson, taskManifestSchema);
      if (parsed.ok) taskManifest = parsed.data;
      else issues.push(suiteIssue(at, 'INVALID_MANIFEST', `task.json is invalid: ${parsed.why}`));
    }
    const files = await readTaskFiles(taskDir);
    if (files.spec === undefined || files.spec.trim() === '') {
      issues.push(suiteIssue(at, 'MISSING_FILE', 'has no spec.md (or it is empty)'));
    }
    if (files.mistakesProblem)
      issues.push(suiteIssue(at, 'INVALID_MISTAKES', files.mistakesProblem));
    const variants = new Map<string, TaskFiles>();
    for (const name of await subdirectories(join(taskDir, 'variants'))) {
      const variant = await readTaskFiles(join(taskDir, 'variants', name));
      if (variant.mistakesProblem) {
        issues.push(
          suiteIssue(at, 'INVALID_MISTAKES', `variant ${name}: ${variant.mistakesProblem}`),
        );
      }
      variants.set(name, variant);
    }
    tasks.set(taskId, { id: taskId, manifest: taskManifest, ...files, variants });
  }

  if (manifest && manifest.id !== dirName) {
    issues.push(
      suiteIssue(
        { suite: id },
        'INVALID_MANIFEST',
        `the id in suite.json must equal its directory name "${dirName}"`,
      ),
    );
  }
  return { dir, id, manifest, tasks, issues };
}

function mergeFiles(
  base: Record<string, string>,
  fragments: Record<string, string>,
): Record<string, string> {
  const merged = { ...base };
  for (const [path, fragment] of Object.entries(fragments)) {
    const existing = merged[path];
    merged[path] = existing === undefined ? fragment : mergeModuleFragment(existing, fragment);
  }
  return merged;
}

/**
 * One structure of a suite as a `TaskSuite`: each listed task, with its variant merged in.
 * Tasks that cannot be composed (no directory, unknown variant, unreadable task.json) are
 * left out and reported, so validation of the rest can go on.
 */
export function composeStructure(
  source: SuiteSource,
  structure: StructureManifest,
): { suite: TaskSuite; issues: SuiteIssue[] } {
  const issues: SuiteIssue[] = [];
  const tasks: TaskSpec[] = [];
  for (const entry of structure.tasks) {
    const at = { suite: source.id, p: structure.p, task: entry.task };
    const task = source.tasks.get(entry.task);
    if (task === undefined) {
      issues.push(
        suiteIssue(at, 'UNKNOWN_TASK', `there is no task directory tasks/${entry.task}/`),
      );
      continue;
    }
    if (task.manifest === undefined) continue;
    let files: TaskFiles = task;
    if (entry.variant !== undefined) {
      const variant = task.variants.get(entry.variant);
      if (variant === undefined) {
        const known = [...task.variants.keys()];
        issues.push(
          suiteIssue(
            at,
            'UNKNOWN_VARIANT',
            `has no variant "${entry.variant}" (known: ${known.length > 0 ? known.join(', ') : 'none'})`,
          ),
        );
        continue;
      }
      files = {
        spec:
          variant.spec === undefined ? task.spec : mergeSpecFragment(task.spec ?? '', variant.spec),
        reference: mergeFiles(task.reference, variant.reference),
        tests: mergeFiles(task.tests, variant.tests),
        // The base task's catalog was checked against the base tests, not the variant's.
        mistakes: variant.mistakes,
      };
    }
    const reference = files.reference;
    const mistakes = files.mistakes.flatMap((m) => {
      const applied = applyMistake(reference, m);
      if (applied.ok) return [applied.mistake];
      const where = entry.variant === undefined ? '' : ` (variant ${entry.variant})`;
      issues.push(
        suiteIssue(at, 'INVALID_MISTAKES', `a ${m.kind} mistake${where}: ${applied.why}`),
      );
      return [];
    });
    tasks.push({
      id: entry.task,
      title: task.manifest.title,
      spec: files.spec ?? '',
      files: [...task.manifest.files],
      deps: [...entry.deps],
      reference: files.reference,
      tests: files.tests,
      ...(task.manifest.weight === undefined ? {} : { weight: task.manifest.weight }),
      ...(mistakes.length > 0 ? { mistakes } : {}),
    });
  }
  const suite: TaskSuite = {
    id: source.id,
    name: source.manifest?.name ?? source.id,
    p: structure.p,
    tasks,
  };
  return { suite, issues };
}

/** The directories searched for suite ids: the extra ones first, then the built-in one. */
export function suiteSearchPath(options: SuiteSearchOptions = {}): string[] {
  return [...(options.searchDirs ?? []).map((d) => resolve(d)), BUILT_IN_SUITES_DIR];
}

/**
 * The directory of a suite given by id (`math`: looked up in the search path) or by path
 * (anything that is not a plain id, e.g. `./my-suite` or `/abs/suite`).
 */
export async function resolveSuiteDir(
  suite: string,
  options: SuiteSearchOptions = {},
): Promise<string> {
  if (TASK_ID_PATTERN.test(suite)) {
    for (const dir of suiteSearchPath(options)) {
      if (await isFile(join(dir, suite, 'suite.json'))) return join(dir, suite);
    }
    const known = (await discoverSuiteDirs(options)).map((d) => basename(d));
    throw new LabError(
      'UNKNOWN_SUITE',
      `unknown suite "${suite}"; known suites: ${known.join(', ') || 'none'} (give a path such as ./${suite} for a suite directory)`,
    );
  }
  const dir = resolve(suite);
  if (!(await isFile(join(dir, 'suite.json')))) {
    throw new LabError('UNKNOWN_SUITE', `no suite at ${dir}: it has no suite.json`);
  }
  return dir;
}

/** Suite directories found in the search path (shadowed ids only once, first wins). */
export async function discoverSuiteDirs(options: SuiteSearchOptions = {}): Promise<string[]> {
  const seen = new Set<string>();
  const dirs: string[] = [];
  for (const root of suiteSearchPath(options)) {
    for (const name of await subdirectories(root)) {
      if (seen.has(name) || !(await isFile(join(root, name, 'suite.json')))) continue;
      seen.add(name);
      dirs.push(join(root, name));
    }
  }
  return dirs;
}
