/**
 * Making and checking mistake catalogs (mistake-catalog.ts): candidate sites of each kind
 * (mutation-sites.ts), kept when the task's tests fail on them.
 */
import { createHash } from 'node:crypto';
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import {
  createTestRunner,
  type TaskSpec,
  type TaskSuite,
  type TestRunner,
} from '@llm-teams/agents';
import {
  MISTAKES_FILE,
  MISTAKE_KINDS,
  type MistakeCatalog,
  type MistakeEntry,
} from './mistake-catalog.js';
import { applySite, mutationSites, type MutationSite } from './mutation-sites.js';
import {
  composeStructure,
  readSuiteSource,
  resolveSuiteDir,
  type SuiteSearchOptions,
} from './suite-source.js';
import { dependencyClosure } from '@llm-teams/agents';

/** The edit as whole lines, grown until the text to replace is unique in the file. */
export function entryOf(source: string, site: MutationSite): MistakeEntry {
  let from = source.lastIndexOf('\n', site.start - 1) + 1;
  let to = source.indexOf('\n', site.end);
  to = to < 0 ? source.length : to + 1;
  const mutated = () => {
    const head = source.slice(from, site.start) + site.replacement + source.slice(site.end, to);
    // A statement removed from its own lines leaves no blank line behind.
    return head.trim() === '' ? '' : head;
  };
  while (source.split(source.slice(from, to)).length !== 2 && to < source.length) {
    const next = source.indexOf('\n', to);
    to = next < 0 ? source.length : next + 1;
  }
  while (source.split(source.slice(from, to)).length !== 2 && from > 0) {
    from = source.lastIndexOf('\n', from - 2) + 1;
  }
  return {
    kind: site.kind,
    path: site.path,
    note: site.note,
    find: source.slice(from, to),
    replace: mutated(),
  };
}

/** A stable pseudo-random order of candidates, so catalogs do not all break line one. */
function shuffled<T>(items: T[], salt: string): T[] {
  const key = (i: number) => createHash('sha1').update(`${salt}:${i}`).digest('hex');
  return items
    .map((item, i) => ({ item, k: key(i) }))
    .sort((a, b) => (a.k < b.k ? -1 : 1))
    .map((x) => x.item);
}

export interface FindMistakesOptions {
  /** Wrong versions to keep per task. Default 3 (one of each kind when each has one). */
  perTask?: number;
  /** Candidates of one kind tried before giving up on it. Default 12. */
  triesPerKind?: number;
  /** Default: a thread test runner (closed by the caller when passed). */
  runner?: TestRunner;
  /** Limit of one test run of a candidate; one that takes longer is not kept. Default 5000. */
  timeoutMs?: number;
}

/**
 * Up to `perTask` entries for one task of a suite: candidate sites of each kind, in a stable
 * order, each kept only if the task's tests fail on it (with its dependencies' references
 * present) and the failure is not a syntax error or a timeout.
 */
export async function findMistakes(
  tasks: readonly TaskSpec[],
  task: TaskSpec,
  options: FindMistakesOptions = {},
): Promise<MistakeEntry[]> {
  const runner = options.runner ?? createTestRunner({ timeoutMs: options.timeoutMs ?? 5000 });
  const perTask = options.perTask ?? 3;
  const tries = options.triesPerKind ?? 12;
  const deps: Record<string, string> = {};
  const byId = new Map(tasks.map((t) => [t.id, t]));
  for (const id of dependencyClosure(tasks, task.id)) Object.assign(deps, byId.get(id)?.reference);
  const sites = task.files.flatMap((path) => mutationSites(path, task.reference[path] ?? ''));
  const fails = async (site: MutationSite): Promise<boolean> => {
    const files = {
      ...deps,
      ...task.reference,
      [site.path]: applySite(task.reference[site.path]!, site),
    };
    const r = await runner.run({ ...task, id: `${task.id}-mistake` }, files);
    return !r.passed && !r.timedOut && r.conclusive !== false && !/SyntaxError/.test(r.output);
  };
  const found: MistakeEntry[] = [];
  const spare: MutationSite[][] = [];
  try {
    for (const kind of MISTAKE_KINDS) {
      const candidates = shuffled(
        sites.filter((s) => s.kind === kind),
        `${task.id}:${kind}`,
      ).slice(0, tries);
      const failing: MutationSite[] = [];
      for (const site of candidates) {
        if (await fails(site)) {
          failing.push(site);
          if (failing.length >= perTask) break;
        }
      }
      const [first, ...rest] = failing;
      if (first) found.push(entryOf(task.reference[first.path]!, first));
      spare.push(rest);
    }
    // Kinds that had nothing leave room for a second of another kind.
    for (let round = 0; found.length < perTask && spare.some((s) => s.length > 0); round++) {
      for (const list of spare) {
        const site = list.shift();
        if (site && found.length < perTask) found.push(entryOf(task.reference[site.path]!, site));
      }
    }
  } finally {
    if (!options.runner) await runner.close();
  }
  return found.filter(
    (e, i) => found.findIndex((o) => o.find === e.find && o.replace === e.replace) === i,
  );
}

/** Writes a catalog file. */
export async function writeMistakeCatalog(dir: string, mistakes: MistakeEntry[]): Promise<string> {
  const file = join(dir, MISTAKES_FILE);
  const catalog: MistakeCatalog = { v: 1, mistakes };
  await writeFile(file, JSON.stringify(catalog, null, 2) + '\n');
  return file;
}

export interface MistakeCatalogProgress {
  /** `tasks/<task>` or `tasks/<task>/variants/<variant>`. */
  at: string;
  entries: MistakeEntry[];
}

/**
 * Writes a catalog for every task and variant a suite's structures use (each once), from the
 * structure that first uses it. Returns what it wrote.
 */
export async function generateMistakeCatalogs(
  options: SuiteSearchOptions & {
    suite: string;
    onCatalog?: (p: MistakeCatalogProgress) => void;
  } & FindMistakesOptions,
): Promise<MistakeCatalogProgress[]> {
  const dir = await resolveSuiteDir(options.suite, options);
  const source = await readSuiteSource(dir);
  const runner = options.runner ?? createTestRunner({ timeoutMs: options.timeoutMs ?? 5000 });
  const written: MistakeCatalogProgress[] = [];
  const seen = new Set<string>();
  try {
    for (const structure of source.manifest?.structures ?? []) {
      const { suite } = composeStructure(source, structure);
      for (const entry of structure.tasks) {
        const at = entry.variant
          ? `tasks/${entry.task}/variants/${entry.variant}`
          : `tasks/${entry.task}`;
        const task = suite.tasks.find((t) => t.id === entry.task);
        if (seen.has(at) || task === undefined) continue;
        seen.add(at);
        const entries = await findMistakes(suite.tasks, task, { ...options, runner });
        await writeMistakeCatalog(join(dir, at), entries);
        const progress = { at, entries };
        written.push(progress);
        options.onCatalog?.(progress);
      }
    }
  } finally {
    if (!options.runner) await runner.close();
  }
  return written;
}

export interface MistakeCheck {
  suite: string;
  p: number;
  taskId: string;
  kind: string;
  note: string;
  /** The tests failed on it, as they must. */
  fails: boolean;
}

/** Runs each task's tests on each of its catalogued mistakes (identical ones once). */
export async function checkMistakes(
  suites: readonly TaskSuite[],
  options: { runner?: TestRunner; timeoutMs?: number } = {},
): Promise<MistakeCheck[]> {
  const runner = options.runner ?? createTestRunner({ timeoutMs: options.timeoutMs ?? 5000 });
  const checks: MistakeCheck[] = [];
  const seen = new Map<string, boolean>();
  try {
    for (const suite of suites) {
      const byId = new Map(suite.tasks.map((t) => [t.id, t]));
      for (const task of suite.tasks) {
        const deps: Record<string, string> = {};
        for (const id of dependencyClosure(suite.tasks, task.id)) {
          Object.assign(deps, byId.get(id)?.reference);
        }
        for (const m of task.mistakes ?? []) {
          const files = { ...deps, ...task.reference, ...m.files };
          const key = createHash('sha1')
            .update(JSON.stringify([task.id, task.tests, files]))
            .digest('hex');
          let fails = seen.get(key);
          if (fails === undefined) {
            const r = await runner.run({ ...task, id: `${task.id}-mistake` }, files);
            fails = !r.passed;
            seen.set(key, fails);
          }
          checks.push({
            suite: suite.id,
            p: suite.p,
            taskId: task.id,
            kind: m.kind,
            note: m.note,
            fails,
          });
        }
      }
    }
  } finally {
    if (!options.runner) await runner.close();
  }
  return checks;
}
