/**
 * The body of a test thread (started by test-thread-pool.ts): runs a task's test files, already
 * written to a directory, with the `node:test` subset of test-thread-shim.ts, one job at a time.
 */
import { mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, extname, join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { format } from 'node:util';
import { parentPort } from 'node:worker_threads';
import { rewriteTestImports } from './test-source.js';
import { emptyReport, resetRegistry, runRegistered, type ShimReport } from './test-thread-shim.js';

export interface ThreadJob {
  id: number;
  /** A directory of this job's own, not yet created; the thread removes it at the end. */
  dir: string;
  /** Task files and test files: path -> content. */
  files: Record<string, string>;
  /** The test files among them, in the order to run. */
  testPaths: string[];
}

export interface ThreadReply {
  id: number;
  passed: boolean;
  output: string;
  /** Time the thread spent on the job (writing, loading and running the tests). */
  durationMs: number;
  /** A test used a part of node:test the shim lacks: run it in a process instead. */
  unsupported?: string;
}

/** The shim as this module was loaded (.ts from sources, .js compiled). */
const SHIM_URL = new URL(
  `./test-thread-shim${extname(fileURLToPath(import.meta.url))}`,
  import.meta.url,
).href;

let report: ShimReport | undefined;

// What the tests print goes to the job's output, as node --test shows it.
for (const level of ['log', 'info', 'debug', 'warn', 'error'] as const) {
  console[level] = (...args: unknown[]) => {
    report?.lines.push(format(...args));
  };
}
// An error escaping a test (a callback thrown later) fails the job running when it surfaces.
const stray = (err: unknown) => {
  if (!report) return;
  report.fail++;
  report.lines.push(
    `✖ uncaught error: ${err instanceof Error ? (err.stack ?? err.message) : format(err)}`,
  );
};
process.on('uncaughtException', stray);
process.on('unhandledRejection', stray);

/** Synchronous writes: the thread has nothing else to do meanwhile, and they skip the libuv
 *  pool that a loaded process keeps busy. */
function writeJob(job: ThreadJob): void {
  mkdirSync(job.dir, { recursive: true });
  writeFileSync(join(job.dir, 'package.json'), '{"type":"module"}\n');
  const tests = new Set(job.testPaths);
  for (const [path, content] of Object.entries(job.files)) {
    const target = join(job.dir, path);
    mkdirSync(dirname(target), { recursive: true });
    writeFileSync(target, tests.has(path) ? rewriteTestImports(content, SHIM_URL) : content);
  }
}

async function runJob(job: ThreadJob): Promise<ThreadReply> {
  const started = performance.now();
  const r = emptyReport();
  report = r;
  try {
    writeJob(job);
    const signal = new AbortController().signal;
    for (const path of job.testPaths) {
      resetRegistry();
      try {
        await import(pathToFileURL(join(job.dir, path)).href);
      } catch (err) {
        r.fail++;
        r.lines.push(`✖ ${path} failed to load`);
        r.lines.push(`  ${err instanceof Error ? (err.stack ?? err.message) : format(err)}`);
        continue;
      }
      await runRegistered(r, signal);
    }
  } finally {
    report = undefined;
    rmSync(job.dir, { recursive: true, force: true });
  }
  const summary = [`ℹ tests ${r.tests}`, `ℹ pass ${r.pass}`, `ℹ fail ${r.fail}`];
  if (r.skipped > 0) summary.push(`ℹ skipped ${r.skipped}`);
  if (r.todo > 0) summary.push(`ℹ todo ${r.todo}`);
  return {
    id: job.id,
    passed: r.fail === 0 && r.unsupported === undefined,
    output: [...r.lines, ...summary].join('\n'),
    durationMs: Math.round(performance.now() - started),
    ...(r.unsupported !== undefined ? { unsupported: r.unsupported } : {}),
  };
}

let queue = Promise.resolve();
parentPort?.on('message', (job: ThreadJob) => {
  queue = queue.then(async () => {
    const reply = await runJob(job).catch((err: unknown): ThreadReply => ({
      id: job.id,
      passed: false,
      output: `test thread failed: ${err instanceof Error ? err.message : String(err)}`,
      durationMs: 0,
    }));
    parentPort?.postMessage(reply);
  });
});
parentPort?.postMessage({ ready: true });
