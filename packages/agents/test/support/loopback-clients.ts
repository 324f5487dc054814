import { afterEach, beforeEach } from 'vitest';
import {
  createModelClient,
  type AttemptReport,
  type ModelClient,
  type ModelClientOptions,
} from '../../src/models/index.js';
import {
  createTestClock,
  startLoopbackServer,
  type LoopbackServer,
  type ProviderFixture,
  type TestClock,
} from '@llm-teams/testkit';

/** What each test of a provider's real client gets: its wire server, its clock, its reports. */
export interface LoopbackClients {
  readonly server: LoopbackServer;
  /** Fires every timer shorter than the clients' timeout at once: retries take no time. */
  readonly clock: TestClock;
  /** Every attempt of every client, in order. */
  readonly reports: AttemptReport[];
  /** The provider's client (seed 7) against the server, with `options` on top; closed after
   *  the test. */
  client(options?: ModelClientOptions): ModelClient;
}

/** A loopback server speaking `wire`'s format for each test, and clients of it. */
export function useLoopbackClients(wire: ProviderFixture, timeoutMs: number): LoopbackClients {
  let server: LoopbackServer | undefined;
  let clock = createTestClock({ autoFireBelowMs: timeoutMs });
  let reports: AttemptReport[] = [];
  const clients: ModelClient[] = [];
  beforeEach(async () => {
    server = await startLoopbackServer();
    clock = createTestClock({ autoFireBelowMs: timeoutMs });
    reports = [];
  });
  afterEach(async () => {
    for (const c of clients.splice(0)) await c.close();
    await server?.close();
  });
  const started = (): LoopbackServer => {
    if (!server) throw new Error('useLoopbackClients: no server (outside a test?)');
    return server;
  };
  return {
    get server() {
      return started();
    },
    get clock() {
      return clock;
    },
    get reports() {
      return reports;
    },
    client(options = {}) {
      const baseURL = wire.baseURL(started());
      const c = createModelClient(wire.modelId(started()), {
        env: wire.env,
        clock,
        timeoutMs,
        onAttempt: (r) => reports.push(r),
        seed: 7,
        ...(baseURL === undefined ? {} : { baseURL }),
        ...options,
      });
      clients.push(c);
      return c;
    },
  };
}
