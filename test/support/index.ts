/**
 * Shared test helpers, one place for every tier. Tests start their own nats-server on a free
 * port; nothing assumes a server is already running.
 */
import { spawn as spawnProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  connectNats,
  startNatsServer,
  type NatsConnection,
  type NatsServer,
  type NatsServerOptions,
} from '@llm-teams/broker';
import type { TraceEvent } from '@llm-teams/runtime';

export interface NatsFixture {
  server: NatsServer;
  url: string;
  /** Opens a connection that `close()` closes too. */
  connect(name?: string): Promise<NatsConnection>;
  close(): Promise<void>;
}

/** Starts a fresh embedded nats-server; `close()` stops it and every connection it opened. */
export async function startNatsFixture(options: NatsServerOptions = {}): Promise<NatsFixture> {
  const server = await startNatsServer(options);
  const connections: NatsConnection[] = [];
  return {
    server,
    url: server.url,
    async connect(name) {
      const nc = await connectNats({ servers: server.url, name: name ?? 'test' });
      connections.push(nc);
      return nc;
    },
    async close() {
      await Promise.all(connections.map((nc) => (nc.isClosed() ? Promise.resolve() : nc.close())));
      await server.close();
    },
  };
}

/** A temporary directory removed by the returned `cleanup`. */
export function tempDir(prefix = 'llmt-test-'): { dir: string; cleanup: () => void } {
  const dir = mkdtempSync(join(tmpdir(), prefix));
  return { dir, cleanup: () => rmSync(dir, { recursive: true, force: true }) };
}

/**
 * Resolves once `predicate` holds, polling after each macrotask. Tests use it to wait on an
 * observable condition (a message counted, a trace line written) instead of sleeping; the
 * guard `timeoutMs` only turns a hang into a failure that names what was awaited.
 */
export async function until(
  what: string,
  predicate: () => boolean | Promise<boolean>,
  timeoutMs = 20_000,
): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await predicate())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for: ${what}`);
    await new Promise((r) => setTimeout(r, 5));
  }
}

/** A promise with its resolve / reject exposed. */
export function deferred<T = void>() {
  let resolve!: (v: T) => void;
  let reject!: (e: unknown) => void;
  const promise = new Promise<T>((res, rej) => {
    resolve = res;
    reject = rej;
  });
  return { promise, resolve, reject };
}

/** A child process running the `llm-teams` command line. */
export interface CliProcess {
  readonly pid: number | undefined;
  /** Resolves with the exit code (null when killed by a signal) and everything it printed. */
  readonly exited: Promise<{ code: number | null; stdout: string; stderr: string }>;
  kill(signal?: NodeJS.Signals): void;
}

/** Runs `llm-teams <args>` in a child process (the repo's bin, through tsx). */
export function spawnCli(
  args: string[],
  options: { cwd?: string; env?: NodeJS.ProcessEnv; wrap?: string[] } = {},
): CliProcess {
  const bin = new URL('../../packages/lab/bin/llm-teams.js', import.meta.url).pathname;
  // `wrap` runs the command inside something, e.g. ['ip', 'netns', 'exec', ns].
  const [cmd, ...cmdArgs] = [...(options.wrap ?? []), process.execPath, bin, ...args];
  const child = spawnProcess(cmd!, cmdArgs, {
    cwd: options.cwd ?? process.cwd(),
    env: { ...process.env, ...options.env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (b: Buffer) => (stdout += b.toString()));
  child.stderr.on('data', (b: Buffer) => (stderr += b.toString()));
  const exited = new Promise<{ code: number | null; stdout: string; stderr: string }>((resolve) => {
    child.once('exit', (code) => resolve({ code, stdout, stderr }));
  });
  return { pid: child.pid, exited, kill: (signal) => child.kill(signal ?? 'SIGTERM') };
}

/**
 * A failed run's story, for an assertion message: marks, faults and task messages with their
 * time since the first event, the last `max` of them. A chaos test that fails in CI then says
 * in its own output what the team was doing (the trace itself is gone with the runner).
 */
export function runTimeline(events: readonly TraceEvent[], max = 80): string {
  const t0 = events[0]?.wall ?? 0;
  const lines: string[] = [];
  for (const e of events) {
    const f = e as unknown as Record<string, unknown>;
    const type = typeof f['type'] === 'string' ? f['type'] : '';
    const story =
      (e.kind === 'mark' && f['name'] !== 'model.context') ||
      e.kind === 'fault' ||
      ((e.kind === 'send' || e.kind === 'recv') && /^(task|vote)\./.test(type));
    if (!story) continue;
    const text = (k: string) => (typeof f[k] === 'string' ? f[k] : undefined);
    const what = text('name') ?? text('fault') ?? type;
    const peer = text('to') ?? text('from') ?? '';
    const more = ['msgId', 'attempt', 'redelivered', 'dup', 'error', 'reason', 'worker', 'nodes']
      .filter((k) => f[k] !== undefined)
      .map((k) => `${k}=${JSON.stringify(f[k])}`)
      .join(' ');
    lines.push(
      `${((e.wall - t0) / 1000).toFixed(2).padStart(7)} ${e.actor} ${e.kind} ${what} ${peer} ${more}`.trimEnd(),
    );
  }
  const cut = lines.length - max;
  return (cut > 0 ? [`(${cut} earlier lines)`, ...lines.slice(cut)] : lines).join('\n');
}
