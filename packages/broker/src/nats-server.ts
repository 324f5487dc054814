/**
 * System time: a nats-server child process is supervised on the machine's clock (its readiness
 * deadline, its stop's grace); the broker sits below the runtime's `Clock`.
 */
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

/** Everything about one server that does not change between its starts. */
interface ServerPlan {
  binary: string;
  name: string;
  host: string;
  dir: string;
  /** The directory is a temporary one this process made (and removes). */
  ownsDir: boolean;
  storeDir: string;
  logFile: string;
  configFile: string;
  maxLines: number;
  readyTimeoutMs: number;
  options: NatsServerOptions;
}

/** A nats-server child process: launched, health-checked, stopped, restarted. */
class LocalNatsServer implements NatsServer {
  readonly name: string;
  readonly host: string;
  readonly dir: string;
  readonly storeDir: string;
  readonly logFile: string;
  #port: number;
  #httpPort: number;
  #child: ChildProcess | undefined;
  #logStream: WriteStream | undefined;
  #exited = true;
  readonly #tail: string[] = [];
  readonly #plan: ServerPlan;
  readonly #unown: () => void;

  constructor(plan: ServerPlan, port: number, httpPort: number) {
    this.#plan = plan;
    this.name = plan.name;
    this.host = plan.host;
    this.dir = plan.dir;
    this.storeDir = plan.storeDir;
    this.logFile = plan.logFile;
    this.#port = port;
    this.#httpPort = httpPort;
    this.#unown = plan.options.detached
      ? () => false
      : own({
          kill: () => this.#child?.kill('SIGKILL'),
          ...(plan.ownsDir ? { dir: plan.dir } : {}),
        });
  }

  get port(): number {
    return this.#port;
  }
  get httpPort(): number {
    return this.#httpPort;
  }
  get url(): string {
    return `nats://${this.host}:${this.#port}`;
  }
  get running(): boolean {
    return !this.#exited;
  }
  get pid(): number | undefined {
    return this.#exited ? undefined : this.#child?.pid;
  }

  log(): string {
    // A detached server writes only to its file.
    return this.#plan.options.detached
      ? readFileSync(this.logFile, 'utf8').split('\n').slice(-this.#plan.maxLines).join('\n')
      : this.#tail.join('\n');
  }

  #remember(chunk: Buffer): void {
    // Output can still arrive after stop() ended the log file (a dying child flushing).
    if (this.#logStream && !this.#logStream.writableEnded) this.#logStream.write(chunk);
    for (const line of chunk.toString('utf8').split('\n')) {
      if (!line) continue;
      this.#tail.push(line);
      if (this.#tail.length > this.#plan.maxLines) this.#tail.shift();
    }
  }

  /** Writes the config and runs the binary; resolves once the process has started. */
  async #spawn(): Promise<ChildProcess> {
    const { binary, configFile, logFile, options } = this.#plan;
    writeFileSync(
      configFile,
      configText({
        name: this.name,
        host: this.host,
        port: this.#port,
        httpPort: this.#httpPort,
        storeDir: this.storeDir,
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
      this.#logStream = createWriteStream(logFile, { flags: 'a' });
      proc = spawn(binary, ['-c', configFile], { stdio: ['ignore', 'pipe', 'pipe'] });
      proc.stdout?.on('data', (chunk: Buffer) => this.#remember(chunk));
      proc.stderr?.on('data', (chunk: Buffer) => this.#remember(chunk));
    }
    this.#child = proc;
    this.#exited = false;
    proc.once('exit', () => {
      this.#exited = true;
    });
    const err = await once(proc, 'spawn').then(
      () => undefined,
      (e: unknown) => e,
    );
    if (err) {
      throw new BrokerError('NATS_SERVER_START_FAILED', `could not run ${binary}`, { cause: err });
    }
    return proc;
  }

  /** Starts the process and waits until it is healthy; a port lost to a race is picked again. */
  async launch(): Promise<void> {
    const { options, readyTimeoutMs, logFile } = this.#plan;
    for (let attempt = 1; ; attempt++) {
      const proc = await this.#spawn();
      const outcome = await waitHealthy(
        `http://${this.host}:${this.#httpPort}/healthz`,
        Date.now() + readyTimeoutMs,
        () => this.#exited,
      );
      if (outcome === 'ready') return;
      const recent = (options.detached ? readFileSync(logFile, 'utf8').split('\n') : this.#tail)
        .slice(-15)
        .join('\n');
      if (outcome === 'timeout') {
        proc.kill('SIGKILL');
        throw new BrokerError(
          'NATS_SERVER_NOT_READY',
          `nats-server ${this.name} did not become healthy within ${readyTimeoutMs} ms; log:\n${recent}`,
        );
      }
      // Lost the race for a port we picked: pick again. A port the caller chose is final.
      const portClash = /address already in use/i.test(recent);
      const ours = options.port === undefined && options.httpPort === undefined;
      if (portClash && attempt < 5 && ours) {
        this.#port = await findFreePort(this.host);
        this.#httpPort = await findFreePort(this.host);
        continue;
      }
      throw new BrokerError(
        'NATS_SERVER_START_FAILED',
        `nats-server ${this.name} exited during start-up; log:\n${recent}`,
      );
    }
  }

  async start(): Promise<void> {
    if (!this.#exited) return;
    await this.launch();
  }

  async stop(stopOptions: StopOptions = {}): Promise<void> {
    const proc = this.#child;
    if (!proc || this.#exited) return;
    const gone = once(proc, 'exit');
    proc.kill(stopOptions.signal ?? 'SIGTERM');
    const grace = setTimeout(() => proc.kill('SIGKILL'), stopOptions.graceMs ?? 5000);
    await gone;
    clearTimeout(grace);
    await new Promise<void>((resolve) => {
      if (this.#logStream) this.#logStream.end(resolve);
      else resolve();
    });
  }

  async close(): Promise<void> {
    await this.stop();
    this.#unown();
    if (this.#plan.ownsDir && !this.#plan.options.detached) {
      rmSync(this.dir, { recursive: true, force: true });
    }
  }
}

/**
 * Starts a nats-server (JetStream on, in a temporary store) and resolves once it reports
 * healthy. With a `cluster` config, readiness waits for the JetStream meta group, so start
 * every member before awaiting them (`startNatsCluster` does).
 */
export async function startNatsServer(options: NatsServerOptions = {}): Promise<NatsServer> {
  const binary = options.binary ?? findNatsServerBinary();
  const host = options.host ?? '127.0.0.1';
  const dir = options.dir ?? mkdtempSync(join(tmpdir(), 'llmt-nats-'));
  mkdirSync(dir, { recursive: true });
  const plan: ServerPlan = {
    binary,
    name: options.name ?? 'n1',
    host,
    dir,
    ownsDir: options.dir === undefined,
    storeDir: join(dir, 'jetstream'),
    logFile: join(dir, 'nats-server.log'),
    configFile: join(dir, 'nats-server.conf'),
    maxLines: options.logLines ?? 400,
    readyTimeoutMs: options.readyTimeoutMs ?? 15_000,
    options,
  };
  const port = options.port ?? (await findFreePort(host));
  const httpPort = options.httpPort ?? (await findFreePort(host));
  const server = new LocalNatsServer(plan, port, httpPort);
  await server.launch();
  return server;
}
