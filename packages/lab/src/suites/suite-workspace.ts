/**
 * System time: a task's tests run in a child process, timed out on the machine's clock.
 */
import { spawn } from 'node:child_process';
import { createHash } from 'node:crypto';
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { dependencyClosure, type TaskSpec, type TaskSuite } from '@llm-teams/agents';
import { LabError } from '../lab-error.js';

/**
 * Files every workspace that runs suite code needs besides the tasks' files: suite modules
 * are ES modules with `.js` names, which node treats as ES modules only under this.
 */
export const WORKSPACE_SCAFFOLD: Readonly<Record<string, string>> = {
  'package.json': '{ "private": true, "type": "module" }\n',
};

export interface SuiteWorkspaceOptions {
  /** Tasks whose reference files are written. */
  references: readonly Pick<TaskSpec, 'reference' | 'tests'>[];
  /** Tasks whose test files are written. Default: the same tasks as `references`. */
  tests?: readonly Pick<TaskSpec, 'tests'>[];
  /** Where to write; created if needed. Default: a fresh directory under the OS temp dir. */
  dir?: string;
}

export interface SuiteWorkspace {
  dir: string;
  /** Removes the directory and everything in it. */
  dispose(): Promise<void>;
}

/** Writes files (workspace-relative path -> content) under `dir`. */
export async function writeWorkspaceFiles(
  dir: string,
  files: Readonly<Record<string, string>>,
): Promise<void> {
  for (const [path, content] of Object.entries(files)) {
    const target = join(dir, ...path.split('/'));
    await mkdir(dirname(target), { recursive: true });
    await writeFile(target, content);
  }
}

/** A directory holding the scaffold, the chosen tasks' reference files and their tests. */
export async function createSuiteWorkspace(
  options: SuiteWorkspaceOptions,
): Promise<SuiteWorkspace> {
  const dir = options.dir ?? (await mkdtemp(join(tmpdir(), 'llmt-suite-')));
  await mkdir(dir, { recursive: true });
  await writeWorkspaceFiles(dir, WORKSPACE_SCAFFOLD);
  for (const task of options.references) await writeWorkspaceFiles(dir, task.reference);
  for (const task of options.tests ?? options.references) {
    await writeWorkspaceFiles(dir, task.tests);
  }
  return { dir, dispose: () => rm(dir, { recursive: true, force: true }) };
}

export interface RunTaskTestsOptions {
  /** The workspace, as made by `createSuiteWorkspace`. */
  dir: string;
  task: Pick<TaskSpec, 'id' | 'tests'>;
  /** Kill the test process (and its children) after this long. Default 30 000 ms. */
  timeoutMs?: number;
  /** Keep at most this many characters of output (the end of it). Default 64 000. */
  maxOutputChars?: number;
}

export interface TaskTestResult {
  taskId: string;
  passed: boolean;
  timedOut: boolean;
  /** The exit code of `node --test`; null when it was killed. */
  exitCode: number | null;
  /** stdout and stderr, interleaved as they arrived (the end of them, when long). */
  output: string;
  durationMs: number;
}

/**
 * Runs one task's tests with `node --test` in a child process in `dir`. Failing tests are a
 * result (`passed: false`), not an error; so is a timeout, which kills the whole process group.
 */
export async function runTaskTests(options: RunTaskTestsOptions): Promise<TaskTestResult> {
  const timeoutMs = options.timeoutMs ?? 30_000;
  const maxOutputChars = options.maxOutputChars ?? 64_000;
  const testFiles = Object.keys(options.task.tests).sort();
  if (testFiles.length === 0) {
    throw new LabError('TEST_RUN_FAILED', `task "${options.task.id}" has no test files to run`);
  }
  // The parent's test-runner and loader settings (vitest, tsx, node --test) must not leak in.
  const env: NodeJS.ProcessEnv = { ...process.env, NO_COLOR: '1' };
  delete env.NODE_OPTIONS;
  delete env.NODE_TEST_CONTEXT;
  delete env.FORCE_COLOR;

  const started = performance.now();
  const child = spawn(process.execPath, ['--test', '--test-reporter=spec', ...testFiles], {
    cwd: options.dir,
    env,
    stdio: ['ignore', 'pipe', 'pipe'],
    detached: true,
  });
  let output = '';
  const collect = (chunk: Buffer): void => {
    output += chunk.toString('utf8');
    if (output.length > 2 * maxOutputChars) output = output.slice(-maxOutputChars);
  };
  child.stdout.on('data', collect);
  child.stderr.on('data', collect);

  let timedOut = false;
  const timer = setTimeout(() => {
    timedOut = true;
    // node --test runs each file in its own process: kill the group, not just the parent.
    try {
      process.kill(-child.pid!, 'SIGKILL');
    } catch {
      child.kill('SIGKILL');
    }
  }, timeoutMs);

  const exitCode = await new Promise<number | null>((resolve, reject) => {
    child.once('error', (err) =>
      reject(
        new LabError(
          'TEST_RUN_FAILED',
          `could not start node --test for task "${options.task.id}"`,
          { cause: err },
        ),
      ),
    );
    child.once('close', (code) => resolve(code));
  }).finally(() => clearTimeout(timer));

  return {
    taskId: options.task.id,
    passed: !timedOut && exitCode === 0,
    timedOut,
    exitCode,
    output: output.length > maxOutputChars ? output.slice(-maxOutputChars) : output,
    durationMs: performance.now() - started,
  };
}

/** Runs `fn` over `items` with at most `concurrency` calls in flight; results in input order. */
export async function mapWithConcurrency<T, R>(
  items: readonly T[],
  concurrency: number,
  fn: (item: T, index: number) => Promise<R>,
): Promise<R[]> {
  const results = new Array<R>(items.length);
  let next = 0;
  const worker = async (): Promise<void> => {
    while (next < items.length) {
      const index = next++;
      results[index] = await fn(items[index]!, index);
    }
  };
  await Promise.all(
    Array.from({ length: Math.max(1, Math.min(concurrency, items.length)) }, worker),
  );
  return results;
}

export interface VerifyReferenceSolutionsOptions {
  /** Test processes in flight at once. Default 2. */
  concurrency?: number;
  /** Per task. Default 30 000 ms. */
  timeoutMs?: number;
}

export interface ReferenceCheck {
  suite: string;
  p: number;
  taskId: string;
  result: TaskTestResult;
}

/**
 * Runs every task's tests against its reference solution, in a workspace holding only the
 * task's files and those of its transitive dependencies: a pass shows both that the reference
 * is right and that it needs nothing it does not declare. A task that is identical in several
 * structures (same files, same dependencies' files) runs once.
 */
export async function verifyReferenceSolutions(
  suites: readonly TaskSuite[],
  options: VerifyReferenceSolutionsOptions = {},
): Promise<ReferenceCheck[]> {
  interface Job {
    suite: TaskSuite;
    task: TaskSpec;
    closure: TaskSpec[];
    key: string;
  }
  const jobs: Job[] = [];
  for (const suite of suites) {
    const byId = new Map(suite.tasks.map((t) => [t.id, t]));
    for (const task of suite.tasks) {
      const closure = [...dependencyClosure(suite.tasks, task.id)].map((id) => byId.get(id)!);
      const hash = createHash('sha256');
      for (const t of [task, ...closure]) hash.update(JSON.stringify(t.reference));
      hash.update(JSON.stringify(task.tests));
      jobs.push({ suite, task, closure, key: `${suite.id}:${hash.digest('hex')}` });
    }
  }
  const unique = [...new Map(jobs.map((j) => [j.key, j])).values()];
  const outcomes = await mapWithConcurrency(unique, options.concurrency ?? 2, async (job) => {
    const workspace = await createSuiteWorkspace({
      references: [job.task, ...job.closure],
      tests: [job.task],
    });
    try {
      return await runTaskTests({
        dir: workspace.dir,
        task: job.task,
        ...(options.timeoutMs === undefined ? {} : { timeoutMs: options.timeoutMs }),
      });
    } finally {
      await workspace.dispose();
    }
  });
  const byKey = new Map(unique.map((j, i) => [j.key, outcomes[i]!]));
  return jobs.map((j) => ({
    suite: j.suite.id,
    p: j.suite.p,
    taskId: j.task.id,
    result: { ...byKey.get(j.key)!, taskId: j.task.id },
  }));
}
