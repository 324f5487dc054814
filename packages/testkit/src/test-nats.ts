/**
 * Where tests get a nats-server: a container when a Docker engine answers and the optional
 * `@testcontainers/nats` package is installed, else the local `nats-server` binary.
 *
 * testcontainers is not a dependency of this repo: it brings in a Docker client, ssh and
 * archive libraries (tens of MB) that every install would pay for, on machines that mostly have
 * no Docker engine. Install it where Docker runs (`npm i --no-save @testcontainers/nats`) and
 * `startTestNats` picks it up. A container serves plain client tests; tests that stop, restart
 * or configure the server (faults, clusters, auth) use the binary either way.
 */
import { statSync } from 'node:fs';
import { startNatsServer } from '@llm-teams/broker';

export type NatsBackend = 'container' | 'binary';

/** Why a backend was chosen, for the test log. */
export interface NatsBackendChoice {
  backend: NatsBackend;
  reason: string;
}

export interface TestNats {
  readonly backend: NatsBackend;
  /** `nats://host:port` */
  readonly url: string;
  /** For `connectNats`: the URL, and the container's credentials when it has some. */
  readonly connectOptions: { servers: string; user?: string; pass?: string };
  close(): Promise<void>;
}

const TESTCONTAINERS_NATS = '@testcontainers/nats';

function isSocket(path: string): boolean {
  try {
    return statSync(path).isSocket();
  } catch {
    return false;
  }
}

async function canImport(specifier: string): Promise<boolean> {
  try {
    await import(specifier);
    return true;
  } catch {
    return false;
  }
}

/**
 * Picks the backend: `LLMT_TEST_NATS=binary|container` forces one; otherwise a container needs
 * an engine (`DOCKER_HOST`, or a socket at /var/run/docker.sock or ~/.docker/run/docker.sock;
 * a docker CLI alone is not enough) and the testcontainers package.
 */
export async function selectNatsBackend(
  env: NodeJS.ProcessEnv = process.env,
  probe: {
    socketExists?: (path: string) => boolean;
    canImport?: (m: string) => Promise<boolean>;
  } = {},
): Promise<NatsBackendChoice> {
  const forced = env['LLMT_TEST_NATS'];
  if (forced === 'binary') return { backend: 'binary', reason: 'LLMT_TEST_NATS=binary' };
  const socketExists = probe.socketExists ?? isSocket;
  const importable = probe.canImport ?? canImport;
  const sockets = ['/var/run/docker.sock', `${env['HOME'] ?? ''}/.docker/run/docker.sock`];
  const engine = env['DOCKER_HOST']
    ? `DOCKER_HOST=${env['DOCKER_HOST']}`
    : sockets.find((s) => socketExists(s));
  if (!engine) {
    if (forced === 'container') throw new Error('LLMT_TEST_NATS=container, but no Docker engine');
    return { backend: 'binary', reason: 'no Docker engine (no DOCKER_HOST, no docker.sock)' };
  }
  if (!(await importable(TESTCONTAINERS_NATS))) {
    if (forced === 'container') {
      throw new Error(`LLMT_TEST_NATS=container, but ${TESTCONTAINERS_NATS} is not installed`);
    }
    return {
      backend: 'binary',
      reason: `Docker at ${engine}, but ${TESTCONTAINERS_NATS} is not installed`,
    };
  }
  return { backend: 'container', reason: `Docker at ${engine}` };
}

/** The part of `@testcontainers/nats` used here (typed locally: the package is optional). */
interface NatsContainerModule {
  NatsContainer: new (image: string) => {
    withJetStream(): {
      start(): Promise<{
        getConnectionOptions(): { servers?: string | string[]; user?: string; pass?: string };
        stop(): Promise<unknown>;
      }>;
    };
  };
}

/** A nats-server with JetStream for a test, from the backend `selectNatsBackend` picks. */
export async function startTestNats(env: NodeJS.ProcessEnv = process.env): Promise<TestNats> {
  const choice = await selectNatsBackend(env);
  if (choice.backend === 'binary') {
    const server = await startNatsServer();
    return {
      backend: 'binary',
      url: server.url,
      connectOptions: { servers: server.url },
      close: () => server.close(),
    };
  }
  const specifier = TESTCONTAINERS_NATS;
  const { NatsContainer } = (await import(specifier)) as NatsContainerModule;
  const started = await new NatsContainer('nats:2.10-alpine').withJetStream().start();
  const options = started.getConnectionOptions();
  const hostPort = [options.servers ?? []].flat()[0] ?? '';
  const url = hostPort.includes('://') ? hostPort : `nats://${hostPort}`;
  return {
    backend: 'container',
    url,
    connectOptions: {
      servers: url,
      ...(options.user !== undefined ? { user: options.user, pass: options.pass ?? '' } : {}),
    },
    close: async () => {
      await started.stop();
    },
  };
}
