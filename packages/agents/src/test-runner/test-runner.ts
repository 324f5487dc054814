import { spawn } from 'node:child_process';
import { createHash } from 'node:crypto';
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { systemClock, type Clock } from '@llm-teams/runtime';
import type { TaskSpec } from '../task-spec.js';
import { threadProblem } from './test-source.js';
import { runInThread, warmTestThreads } from './test-thread-pool.js';

export interface TestRunResult {
  passed: boolean;
  /** Test output, trimmed to `maxOutputChars` (the tail, where failures are reported). */
  output: string;
  durationMs: number;
  /** Time spent waiting for a free runner slot (not part of the task's work). */
  queuedMs: number;
  timedOut: boolean;
  /** The same tests already ran against the same files: this is that run's result. */
  cached?: boolean;
  /** The tests ran to their end (not killed by the time limit or by closing the runner). */
  conclusive?: boolean;
  /** Where they ran. */
  isolation?: 'thread' | 'process';
}

export interface TestRunnerOptions {
  /** Kill a test run after this long. Default 30000. */
  timeoutMs?: number;
  /** Test runs at once (each is a node process). Default 2. */
  concurrency?: number;
  /** Default 4000. */
  maxOutputChars?: number;
  /** Node binary. Default the current one. */
  node?: string;
  /** Where tests run. `thread` (the default): in a worker thread of this process, with the
   *  part of node:test the suites use (test-thread-shim.ts); test files needing more, or the
   *  file system, run in a process. `process`: `node --test` in a child process, always. A
   *  thread shares this process: it stops runaway loops and memory, but code that ends the
   *  process (`process.abort()`) ends it; use `process` for code you do not trust that far. */
  isolation?: 'thread' | 'process';
  /** Reuse the result of an earlier run of the same task's tests on byte-identical files
   *  (tests are deterministic; a timed-out run is never reused). The cache is shared by the
   *  runners of this process, so a sweep's runs share it. Default true. */
  cache?: boolean;
  /** The time limit and the durations measured here (a process run's time, the wait for a
   *  slot) are on this clock, so a test decides when a limit passes. Default the system clock. */
  clock?: Clock;
}

/** Results by (task, tests, files) digest, shared across runners of this process. */
const resultCache = new Map<string, Omit<TestRunResult, 'queuedMs'>>();
const CACHE_LIMIT = 20_000;

function cacheKey(task: TaskSpec, files: Record<string, string>): string {
  const h = createHash('sha256');
  h.update(task.id);
  for (const [path, content] of Object.entries(task.tests).sort(([a], [b]) => (a < b ? -1 : 1))) {
    h.update(`\0t${path}\0${content}`);
  }
  for (const [path, content] of Object.entries(files).sort(([a], [b]) => (a < b ? -1 : 1))) {
    h.update(`\0f${path}\0${content}`);
  }
  return h.digest('hex');
}

export interface TestRunner {
  /** Runs `task`'s tests against `files` (a workspace snapshot: path -> content). */
  run(task: TaskSpec, files: Record<string, string>): Promise<TestRunResult>;
  close(): Promise<void>;
}

/** Kills a test run's whole process group (the test files' processes too). */
function killGroup(child: ReturnType<typeof spawn>): void {
  try {
    if (child.pid !== undefined) process.kill(-child.pid, 'SIGKILL');
    else child.kill('SIGKILL');
  } catch {
    child.kill('SIGKILL');
  }
}

/** Process groups of test runs in flight, killed if this process exits first. */
const liveGroups = new Set<ReturnType<typeof spawn>>();
let exitHooked = false;
function trackGroup(child: ReturnType<typeof spawn>): void {
  liveGroups.add(child);
  child.once('exit', () => liveGroups.delete(child));
  if (exitHooked) return;
  exitHooked = true;
  process.once('exit', () => {
    for (const c of liveGroups) killGroup(c);
  });
}

/**
 * Runs a task's `node:test` tests in a fresh temporary directory holding a snapshot of the
 * workspace, with a time limit: in a worker thread of this process by default, else in a child
 * process (`isolation`). Nothing the tests do touches the shared workspace.
 */
export function createTestRunner(options: TestRunnerOptions = {}): TestRunner {
  const timeoutMs = options.timeoutMs ?? 30_000;
  const maxChars = options.maxOutputChars ?? 4000;
  const limit = Math.max(1, options.concurrency ?? 2);
  const node = options.node ?? process.execPath;
  const isolation = options.isolation ?? 'thread';
  const clock = options.clock ?? systemClock;
  const closing = new AbortController();
  if (isolation === 'thread') warmTestThreads();
  let running = 0;
  const waiting: (() => void)[] = [];
  const children = new Set<ReturnType<typeof spawn>>();

  async function acquire(): Promise<void> {
    if (running < limit) {
      running++;
      return;
    }
    await new Promise<void>((resolve) => waiting.push(resolve));
  }
  function release(): void {
    const next = waiting.shift();
    if (next) next();
    else running--;
  }

  async function runOnce(
    task: TaskSpec,
    files: Record<string, string>,
  ): Promise<Omit<TestRunResult, 'queuedMs'>> {
    const dir = await mkdtemp(join(tmpdir(), 'llmt-tests-'));
    try {
      await writeFile(join(dir, 'package.json'), '{"type":"module"}\n');
      const all = { ...files, ...task.tests };
      for (const [path, content] of Object.entries(all)) {
        const target = join(dir, path);
        await mkdir(dirname(target), { recursive: true });
        await writeFile(target, content);
      }
      const started = clock.now();
      return await new Promise<Omit<TestRunResult, 'queuedMs'>>((resolve) => {
        const child = spawn(node, ['--test', '--test-reporter=spec', ...Object.keys(task.tests)], {
          cwd: dir,
          stdio: ['ignore', 'pipe', 'pipe'],
          env: { PATH: process.env['PATH'] ?? '', NODE_OPTIONS: '' },
          // Its own process group: node --test runs each file in a child process, which a
          // kill of the parent alone would leave spinning (a model's infinite loop, forever).
          detached: true,
        });
        children.add(child);
        trackGroup(child);
        let out = '';
        const collect = (b: Buffer) => {
          out += b.toString('utf8');
          if (out.length > 4 * maxChars) out = out.slice(-2 * maxChars);
        };
        child.stdout.on('data', collect);
        child.stderr.on('data', collect);
        let timedOut = false;
        const timer = clock.setTimeout(() => {
          timedOut = true;
          killGroup(child);
        }, timeoutMs);
        child.once('close', (code, signal) => {
          clock.clearTimeout(timer);
          children.delete(child);
          const tail = out.length > maxChars ? '…' + out.slice(-maxChars) : out;
          resolve({
            passed: code === 0 && !timedOut,
            output: timedOut
              ? `${tail}\n[killed after ${timeoutMs} ms]`
              : signal
                ? `${tail}\n[killed by ${signal}]`
                : tail,
            durationMs: clock.now() - started,
            timedOut,
            // Only a run that ended by itself says something about the files.
            conclusive: signal === null && !timedOut,
          });
        });
      });
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  }

  /** In a thread when the tests allow it; in a process otherwise or if the thread cannot. */
  async function runSomewhere(
    task: TaskSpec,
    files: Record<string, string>,
  ): Promise<Omit<TestRunResult, 'queuedMs'>> {
    if (isolation === 'thread' && threadProblem(task.tests) === undefined) {
      // The thread's own time: waiting for a free thread (or its start) is not the tests' work.
      const out = await runInThread({
        files: { ...files, ...task.tests },
        testPaths: Object.keys(task.tests),
        timeoutMs,
        clock,
        signal: closing.signal,
      });
      if (out.unsupported === undefined) {
        const tail = out.output.length > maxChars ? '…' + out.output.slice(-maxChars) : out.output;
        return {
          passed: out.passed,
          output: tail,
          durationMs: out.durationMs,
          timedOut: out.timedOut,
          conclusive: out.conclusive,
          isolation: 'thread',
        };
      }
    }
    return { ...(await runOnce(task, files)), isolation: 'process' };
  }

  return {
    async run(task, files) {
      const key = options.cache === false ? undefined : cacheKey(task, files);
      const hit = key === undefined ? undefined : resultCache.get(key);
      if (hit) return { ...hit, queuedMs: 0, cached: true };
      const asked = clock.now();
      await acquire();
      const queuedMs = clock.now() - asked;
      try {
        const result = await runSomewhere(task, files);
        if (key !== undefined && result.conclusive) {
          if (resultCache.size >= CACHE_LIMIT) resultCache.delete(resultCache.keys().next().value!);
          resultCache.set(key, result);
        }
        return { ...result, queuedMs };
      } finally {
        release();
      }
    },
    close() {
      closing.abort();
      for (const c of children) killGroup(c);
      return Promise.resolve();
    },
  };
}
