import { spawn, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import {
  closeSync,
  createWriteStream,
  mkdirSync,
  mkdtempSync,
  openSync,
  readFileSync,
  rmSync,
  writeFileSync,
  type WriteStream,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { BrokerError } from './errors.js';
import { findFreePort } from './free-port.js';
import { own } from './process-registry.js';
import { findNatsServerBinary } from './server-binary.js';

export interface NatsClusterConfig {
  /** Cluster name shared by every member. */
  name: string;
  /** Port for routes from the other members. */
  port: number;
  /** Route URLs of the other members (`nats-route://host:port`). */
  routes: string[];
}

export interface NatsServerOptions {
  /** Server (and JetStream node) name. Default `n1`. */
  name?: string;
  /** Interface to listen on. Default `127.0.0.1`. */
  host?: string;
  /** Client port. Default: a free port. */
  port?: number;
  /** Monitoring port (used to wait for readiness). Default: a free port. */
  httpPort?: number;
  /** Working directory for config, JetStream store and log. Default: a new temporary
   *  directory, removed on `close()` or when the process exits. A given directory is kept. */
  dir?: string;
  /** Enable JetStream. Default true. */
  jetstream?: boolean;
  /** Route this server into a cluster. Default: standalone. */
  cluster?: NatsClusterConfig;
  /** Extra nats-server configuration appended verbatim (authorization, accounts, tls). */
  extraConfig?: string;
  /** How long to wait for the server to accept connections. Default 15000. */
  readyTimeoutMs?: number;
  /** Binary to run. Default: `findNatsServerBinary()`. */
  binary?: string;
  /** Lines of server log kept in memory for `log()`. Default 400. */
  logLines?: number;
  /** Outlive this process (`llm-teams up`): the server runs in its own process group, logs
   *  only to its file, is not stopped when this process exits, and its directory is kept.
   *  Default false. */
  detached?: boolean;
}

export interface StopOptions {
  /** `SIGTERM` shuts down cleanly; `SIGKILL` is a crash. Default `SIGTERM`. */
  signal?: 'SIGTERM' | 'SIGKILL';
  /** Escalate to SIGKILL after this long. Default 5000. */
  graceMs?: number;
}

/** A nats-server child process owned by this process. */
export interface NatsServer {
  readonly name: string;
  readonly host: string;
  readonly port: number;
  readonly httpPort: number;
  /** `nats://host:port` */
  readonly url: string;
  readonly dir: string;
  readonly storeDir: string;
  readonly logFile: string;
  readonly running: boolean;
  readonly pid: number | undefined;
  /** The most recent server log lines, for diagnostics. */
  log(): string;
  /** Start again after `stop()`, on the same ports and with the same JetStream store. */
  start(): Promise<void>;
  /** Stop the process and keep its store, so `start()` can bring it back. */
  stop(options?: StopOptions): Promise<void>;
  /** Stop the process and remove its directory when it was a temporary one. */
  close(): Promise<void>;
}

function configText(o: {
  name: string;
  host: string;
  port: number;
  httpPort: number;
  storeDir: string;
  jetstream: boolean;
  cluster: NatsClusterConfig | undefined;
  extraConfig: string | undefined;
}): string {
  const lines = [
    `server_name: ${JSON.stringify(o.name)}`,
    `listen: ${JSON.stringify(`${o.host}:${o.port}`)}`,
    `http: ${JSON.stringify(`${o.host}:${o.httpPort}`)}`,
  ];
  if (o.jetstream) {
    lines.push(
      'jetstream {',
      `  store_dir: ${JSON.stringify(o.storeDir)}`,
      '  max_memory_store: 268435456',
      '  max_file_store: 2147483648',
      '}',
    );
  }
  if (o.cluster) {
    lines.push(
      'cluster {',
      `  name: ${JSON.stringify(o.cluster.name)}`,
      `  listen: ${JSON.stringify(`${o.host}:${o.cluster.port}`)}`,
      `  routes: [${o.cluster.routes.map((r) => JSON.stringify(r)).join(', ')}]`,
      '}',
    );
  }
  if (o.extraConfig) lines.push(o.extraConfig);
  return lines.join('\n') + '\n';
}

async function waitHealthy(
  httpUrl: string,
  deadline: number,
  exited: () => boolean,
): Promise<'ready' | 'exited' | 'timeout'> {
  for (let delay = 10; ; delay = Math.min(delay * 2, 200)) {
    if (exited()) return 'exited';
    try {
      const res = await fetch(httpUrl, { signal: AbortSignal.timeout(1000) });
      if (res.ok) return 'ready';
      await res.body?.cancel();
    } catch {
      // Not listening yet.
    }
    if (Date.now() > deadline) return 'timeout';
    await sleep(delay);
  }
}

/**
 * Starts a nats-server (JetStream on, in a temporary store) and resolves once it reports
 * healthy. With a `cluster` config, readiness waits for the JetStream meta group, so start
 * every member before awaiting them (`startNatsCluster` does).
 */
export async function startNatsServer(options: NatsServerOptions = {}): Promise<NatsServer> {
  const binary = options.binary ?? findNatsServerBinary();
  const name = options.name ?? 'n1';
  const host = options.host ?? '127.0.0.1';
  const ownsDir = options.dir === undefined;
  const dir = options.dir ?? mkdtempSync(join(tmpdir(), 'llmt-nats-'));
  mkdirSync(dir, { recursive: true });
  const storeDir = join(dir, 'jetstream');
  const logFile = join(dir, 'nats-server.log');
  const configFile = join(dir, 'nats-server.conf');
  const maxLines = options.logLines ?? 400;
  const readyTimeoutMs = options.readyTimeoutMs ?? 15_000;
  const tail: string[] = [];
  let port = options.port ?? (await findFreePort(host));
  let httpPort = options.httpPort ?? (await findFreePort(host));
  let child: ChildProcess | undefined;
  let logStream: WriteStream | undefined;
  let exited = true;

  const unown = options.detached
    ? () => false
    : own({
        kill: () => child?.kill('SIGKILL'),
        ...(ownsDir ? { dir } : {}),
      });

  function remember(chunk: Buffer): void {
    // Output can still arrive after stop() ended the log file (a dying child flushing).
    if (logStream && !logStream.writableEnded) logStream.write(chunk);
    for (const line of chunk.toString('utf8').split('\n')) {
      if (!line) continue;
      tail.push(line);
      if (tail.length > maxLines) tail.shift();
    }
  }

  async function launch(): Promise<void> {
    for (let attempt = 1; ; attempt++) {
      writeFileSync(
        configFile,
        configText({
          name,
          host,
          port,
          httpPort,
          storeDir,
          jetstream: options.jetstream ?? true,
          cluster: options.cluster,
          extraConfig: options.extraConfig,
        }),
      );
      let proc: ChildProcess;
      if (options.detached) {
        const fd = openSync(logFile, 'a');
        proc = spawn(binary, ['-c', configFile], { stdio: ['ignore', fd, fd], detached: true });
        closeSync(fd);
        proc.unref();
      } else {
        logStream = createWriteStream(logFile, { flags: 'a' });
        proc = spawn(binary, ['-c', configFile], { stdio: ['ignore', 'pipe', 'pipe'] });
        proc.stdout?.on('data', remember);
        proc.stderr?.on('data', remember);
      }
      child = proc;
      exited = false;
      proc.once('exit', () => {
        exited = true;
      });
      const spawnError = once(proc, 'spawn').then(
        () => undefined,
        (err: unknown) => err,
      );
      const err = await spawnError;
      if (err) {
        throw new BrokerError('NATS_SERVER_START_FAILED', `could not run ${binary}`, {
          cause: err,
        });
      }
      const outcome = await waitHealthy(
        `http://${host}:${httpPort}/healthz`,
        Date.now() + readyTimeoutMs,
        () => exited,
      );
      if (outcome === 'ready') return;
      const recent = (options.detached ? readFileSync(logFile, 'utf8').split('\n') : tail)
        .slice(-15)
        .join('\n');
      if (outcome === 'timeout') {
        proc.kill('SIGKILL');
        throw new BrokerError(
          'NATS_SERVER_NOT_READY',
          `nats-server ${name} did not become healthy within ${readyTimeoutMs} ms; log:\n${recent}`,
        );
      }
      // Lost the race for a port we picked: pick again. A port the caller chose is final.
      const portClash = /address already in use/i.test(recent);
      if (
        portClash &&
        attempt < 5 &&
        options.port === undefined &&
        options.httpPort === undefined
      ) {
        port = await findFreePort(host);
        httpPort = await findFreePort(host);
        continue;
      }
      throw new BrokerError(
        'NATS_SERVER_START_FAILED',
        `nats-server ${name} exited during start-up; log:\n${recent}`,
      );
    }
  }

  async function stop(stopOptions: StopOptions = {}): Promise<void> {
    const proc = child;
    if (!proc || exited) return;
    const gone = once(proc, 'exit');
    proc.kill(stopOptions.signal ?? 'SIGTERM');
    const grace = setTimeout(() => proc.kill('SIGKILL'), stopOptions.graceMs ?? 5000);
    await gone;
    clearTimeout(grace);
    await new Promise<void>((resolve) => {
      if (logStream) logStream.end(resolve);
      else resolve();
    });
  }

  await launch();

  return {
    name,
    host,
    get port() {
      return port;
    },
    get httpPort() {
      return httpPort;
    },
    get url() {
      return `nats://${host}:${port}`;
    },
    dir,
    storeDir,
    logFile,
    get running() {
      return !exited;
    },
    get pid() {
      return exited ? undefined : child?.pid;
    },
    // A detached server writes only to its file.
    log: () =>
      options.detached
        ? readFileSync(logFile, 'utf8').split('\n').slice(-maxLines).join('\n')
        : tail.join('\n'),
    async start() {
      if (!exited) return;
      await launch();
    },
    stop,
    async close() {
      await stop();
      unown();
      if (ownsDir && !options.detached) rmSync(dir, { recursive: true, force: true });
    },
  };
}
