import { posix } from 'node:path';
import {
  criticalPathLength,
  dependencyClosure,
  findDependencyCycle,
  totalWork,
  type TaskSpec,
  type TaskSuite,
} from '@llm-teams/agents';
import { LabError } from '../lab-error.js';
import { TASK_ID_PATTERN, type StructureManifest } from './suite-manifest.js';

export type SuiteIssueCode =
  /** suite.json / task.json is not valid JSON or does not match its schema; a bad task id. */
  | 'INVALID_MANIFEST'
  /** A required file (suite.json, task.json, spec.md) is absent or empty. */
  | 'MISSING_FILE'
  /** A structure names a task directory that does not exist. */
  | 'UNKNOWN_TASK'
  /** A structure names a variant the task does not have. */
  | 'UNKNOWN_VARIANT'
  | 'DUPLICATE_TASK'
  /** Two structures declare the same p. */
  | 'DUPLICATE_STRUCTURE'
  | 'UNKNOWN_DEPENDENCY'
  | 'DEPENDENCY_CYCLE'
  /** A task has no test file, or its tests import none of its files. */
  | 'MISSING_TEST'
  /** A file the task declares has no reference content. */
  | 'MISSING_REFERENCE'
  /** Reference content for a file the task does not declare. */
  | 'UNDECLARED_FILE'
  /** A path written by two tasks, or a test path that is also a task's file or another test. */
  | 'FILE_CONFLICT'
  /** Code imports a file of a task that is not among its (transitive) dependencies. */
  | 'UNDECLARED_DEPENDENCY'
  /** Code imports a workspace file that no task writes. */
  | 'UNRESOLVED_IMPORT'
  /** The structure's task count, critical path or p differs from what it declares. */
  | 'TASK_COUNT'
  | 'CRITICAL_PATH'
  | 'PARALLEL_FRACTION'
  /** A mistake catalog is malformed or no longer applies to the reference. */
  | 'INVALID_MISTAKES';

/** One problem with a suite, located as precisely as possible. */
export interface SuiteIssue {
  code: SuiteIssueCode;
  suite: string;
  /** The structure, when the problem is specific to one. */
  p?: number;
  task?: string;
  /** A whole sentence naming suite, structure, task and problem. */
  message: string;
}

export interface IssueContext {
  suite: string;
  p?: number;
  task?: string;
}

export function suiteIssue(
  context: IssueContext,
  code: SuiteIssueCode,
  problem: string,
): SuiteIssue {
  const where = [
    `suite "${context.suite}"`,
    ...(context.p === undefined ? [] : [`p = ${context.p}`]),
    ...(context.task === undefined ? [] : [`task "${context.task}"`]),
  ].join(', ');
  return {
    code,
    suite: context.suite,
    ...(context.p === undefined ? {} : { p: context.p }),
    ...(context.task === undefined ? {} : { task: context.task }),
    message: `${where}: ${problem}`,
  };
}

/** Thrown by `loadSuite` for a malformed suite, before anything runs; carries every issue found. */
export class SuiteValidationError extends LabError {
  readonly issues: readonly SuiteIssue[];

  constructor(suite: string, issues: readonly SuiteIssue[]) {
    const count = issues.length === 1 ? '1 problem' : `${issues.length} problems`;
    super(
      'INVALID_SUITE',
      `suite "${suite}" is invalid (${count}):\n${issues.map((i) => `  - ${i.message}`).join('\n')}`,
    );
    this.name = 'SuiteValidationError';
    this.issues = issues;
  }
}

const RELATIVE_SPECIFIER = /(?:\bfrom\s*|\bimport\s*\(?\s*)['"](\.\.?\/[^'"]+)['"]/g;

/** Workspace paths a module imports through relative specifiers (`./x.js`, `../src/y.js`). */
export function relativeImports(file: string, content: string): string[] {
  const found = new Set<string>();
  for (const match of content.matchAll(RELATIVE_SPECIFIER)) {
    found.add(posix.normalize(posix.join(posix.dirname(file), match[1]!)));
  }
  return [...found];
}

const byPath = (paths: Iterable<string>): string[] => [...paths].sort();

export interface ValidateTaskSuiteOptions {
  /**
   * Ids of tasks a structure lists but that could not be composed (already reported);
   * dependencies on them are not reported again. Default: none.
   */
  omitted?: ReadonlySet<string>;
}

/** What the checks of one suite share: the suite, where to report, and how to place a report. */
interface SuiteCheck {
  suite: TaskSuite;
  issues: SuiteIssue[];
  at: (task?: string) => IssueContext;
}

/** Ids are plain tokens and unique; returns the tasks by id (first of a duplicate). */
function checkIds({ suite, issues, at }: SuiteCheck): Map<string, TaskSpec> {
  const byId = new Map<string, TaskSpec>();
  for (const task of suite.tasks) {
    if (!TASK_ID_PATTERN.test(task.id)) {
      issues.push(
        suiteIssue(
          at(task.id),
          'INVALID_MANIFEST',
          'the id is not a plain token (lower-case letters, digits, "-", "_")',
        ),
      );
    }
    if (byId.has(task.id)) {
      issues.push(
        suiteIssue(at(task.id), 'DUPLICATE_TASK', 'the id is used by more than one task'),
      );
    } else {
      byId.set(task.id, task);
    }
  }
  return byId;
}

/** Dependencies name known tasks and form no cycle; returns whether the graph is a DAG. */
function checkGraph(
  { suite, issues, at }: SuiteCheck,
  byId: Map<string, TaskSpec>,
  omitted: ReadonlySet<string>,
): boolean {
  let graphOk = issues.every((i) => i.code !== 'DUPLICATE_TASK');
  for (const task of suite.tasks) {
    for (const dep of task.deps) {
      if (dep === task.id) {
        issues.push(
          suiteIssue(at(task.id), 'DEPENDENCY_CYCLE', `dependency cycle: ${task.id} -> ${task.id}`),
        );
        graphOk = false;
      } else if (!byId.has(dep)) {
        if (!omitted.has(dep)) {
          issues.push(
            suiteIssue(at(task.id), 'UNKNOWN_DEPENDENCY', `depends on unknown task "${dep}"`),
          );
        }
        graphOk = false;
      }
    }
  }
  const cycle = findDependencyCycle(suite.tasks.filter((t) => !t.deps.includes(t.id)));
  if (cycle) {
    issues.push(
      suiteIssue(at(cycle[0]), 'DEPENDENCY_CYCLE', `dependency cycle: ${cycle.join(' -> ')}`),
    );
    graphOk = false;
  }
  return graphOk;
}

/** Each task declares files, has a reference for each and no other, and writes no file another
 *  task writes; returns the writer of each file. */
function checkFiles({ suite, issues, at }: SuiteCheck): Map<string, string> {
  const writer = new Map<string, string>();
  for (const task of suite.tasks) {
    if (task.files.length === 0) {
      issues.push(suiteIssue(at(task.id), 'MISSING_REFERENCE', 'declares no files to write'));
    }
    for (const file of task.files) {
      if (task.reference[file] === undefined) {
        issues.push(
          suiteIssue(at(task.id), 'MISSING_REFERENCE', `has no reference solution for "${file}"`),
        );
      }
      const other = writer.get(file);
      if (other !== undefined && other !== task.id) {
        issues.push(
          suiteIssue(
            at(task.id),
            'FILE_CONFLICT',
            `writes "${file}", which task "${other}" also writes`,
          ),
        );
      } else {
        writer.set(file, task.id);
      }
    }
    for (const file of byPath(Object.keys(task.reference))) {
      if (!task.files.includes(file)) {
        issues.push(
          suiteIssue(
            at(task.id),
            'UNDECLARED_FILE',
            `has a reference for "${file}", which is not among its files`,
          ),
        );
      }
    }
  }
  return writer;
}

/** Each task has tests, on paths no other file uses, that import at least one of its files. */
function checkTests({ suite, issues, at }: SuiteCheck, writer: Map<string, string>): void {
  const testOwner = new Map<string, string>();
  for (const task of suite.tasks) {
    const testFiles = byPath(Object.keys(task.tests));
    if (testFiles.length === 0) {
      issues.push(suiteIssue(at(task.id), 'MISSING_TEST', 'has no test file'));
      continue;
    }
    for (const file of testFiles) {
      const clash = writer.get(file) ?? testOwner.get(file);
      if (clash !== undefined) {
        issues.push(
          suiteIssue(
            at(task.id),
            'FILE_CONFLICT',
            `test "${file}" collides with a file of task "${clash}"`,
          ),
        );
      } else {
        testOwner.set(file, task.id);
      }
    }
    const linked = testFiles.some((f) =>
      relativeImports(f, task.tests[f]!).some((p) => task.files.includes(p)),
    );
    if (!linked) {
      issues.push(
        suiteIssue(
          at(task.id),
          'MISSING_TEST',
          `its tests import none of its files (${task.files.join(', ')})`,
        ),
      );
    }
  }
}

/** Code imports only its task's files and those of its transitive dependencies. */
function checkImports(
  { suite, issues, at }: SuiteCheck,
  byId: Map<string, TaskSpec>,
  writer: Map<string, string>,
): void {
  for (const task of suite.tasks) {
    const allowed = new Set(task.files);
    for (const dep of dependencyClosure(suite.tasks, task.id)) {
      for (const file of byId.get(dep)!.files) allowed.add(file);
    }
    const sources = { ...task.tests, ...task.reference };
    for (const file of byPath(Object.keys(sources))) {
      for (const imported of relativeImports(file, sources[file]!)) {
        if (allowed.has(imported)) continue;
        const owner = writer.get(imported);
        issues.push(
          owner === undefined
            ? suiteIssue(
                at(task.id),
                'UNRESOLVED_IMPORT',
                `"${file}" imports "${imported}", which no task writes`,
              )
            : suiteIssue(
                at(task.id),
                'UNDECLARED_DEPENDENCY',
                `"${file}" imports "${imported}" of task "${owner}", which is not among its dependencies`,
              ),
        );
      }
    }
  }
}

/**
 * Structural checks of an in-memory suite: the graph (duplicates, unknown dependencies,
 * cycles), the files (declared vs reference, conflicts, tests present) and the imports (code
 * may import only its own files and those of its transitive dependencies).
 */
export function validateTaskSuite(
  suite: TaskSuite,
  options: ValidateTaskSuiteOptions = {},
): SuiteIssue[] {
  const check: SuiteCheck = {
    suite,
    issues: [],
    at: (task) => ({ suite: suite.id, p: suite.p, ...(task === undefined ? {} : { task }) }),
  };
  const byId = checkIds(check);
  const graphOk = checkGraph(check, byId, options.omitted ?? new Set<string>());
  const writer = checkFiles(check);
  checkTests(check, writer);
  // The import rule needs the dependency closure, which only a DAG has.
  if (graphOk) checkImports(check, byId, writer);
  return check.issues;
}

const GRAPH_CODES: ReadonlySet<SuiteIssueCode> = new Set([
  'DUPLICATE_TASK',
  'UNKNOWN_DEPENDENCY',
  'DEPENDENCY_CYCLE',
]);

/** Whether issues leave the task graph well-formed (so spans and closures can be computed). */
export function graphIsSound(issues: readonly SuiteIssue[]): boolean {
  return issues.every((i) => !GRAPH_CODES.has(i.code));
}

/**
 * A structure against what its manifest declares: the number of tasks it lists and, when its
 * graph is sound and complete (`suite` holds every listed task), critical path and p.
 */
export function checkDeclaredStructure(
  suite: TaskSuite,
  declared: StructureManifest,
  graphComplete: boolean,
): SuiteIssue[] {
  const at: IssueContext = { suite: suite.id, p: declared.p };
  const issues: SuiteIssue[] = [];
  if (declared.tasks.length !== declared.taskCount) {
    issues.push(
      suiteIssue(
        at,
        'TASK_COUNT',
        `declares ${declared.taskCount} tasks but lists ${declared.tasks.length}`,
      ),
    );
  }
  if (!graphComplete) return issues;
  const span = criticalPathLength(suite.tasks);
  if (Math.abs(span - declared.criticalPath) > 1e-9) {
    issues.push(
      suiteIssue(
        at,
        'CRITICAL_PATH',
        `declares a critical path of ${declared.criticalPath} but its longest chain is ${span}`,
      ),
    );
  }
  const p = 1 - span / totalWork(suite.tasks);
  if (Math.abs(p - declared.p) > 0.005 + 1e-9) {
    issues.push(
      suiteIssue(
        at,
        'PARALLEL_FRACTION',
        `declares p = ${declared.p} but 1 - criticalPath / work = ${p.toFixed(3)}`,
      ),
    );
  }
  return issues;
}
