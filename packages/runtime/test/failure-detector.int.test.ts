import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { setup } from 'xstate';
import type { NatsConnection } from '@llm-teams/broker';
import {
  createActorHost,
  createFailureDetector,
  systemClock,
  type ActorHost,
  type FailureDetector,
} from '@llm-teams/runtime';
import {
  deferred,
  startNatsFixture,
  until,
  type NatsFixture,
} from '../../../test/support/index.js';

describe('heartbeats and failure detection', () => {
  let nats: NatsFixture;
  let nc: NatsConnection;
  let host: ActorHost;
  let detector: FailureDetector | undefined;
  beforeEach(async () => {
    nats = await startNatsFixture();
    nc = await nats.connect();
    host = await createActorHost({ nc, team: 'fd', node: 'h', seed: 1 });
  });
  afterEach(async () => {
    detector?.close();
    await host.close();
    await nats.close();
  });

  for (const kind of ['phi', 'timeout'] as const) {
    it(`${kind}: suspects a silent actor and clears it when it beats again`, async () => {
      const suspected = deferred<string>();
      const recovered = deferred<string>();
      detector = createFailureDetector({
        nc: await nats.connect(),
        subjects: host.subjects,
        clock: systemClock,
        kind,
        timeoutMs: 300,
        expectedIntervalMs: 50,
        minStdDevMs: 20,
        onSuspect: (a) => suspected.resolve(a),
        onRecover: (a) => recovered.resolve(a),
      });
      await host.spawn('alive', setup({}).createMachine({}), {
        heartbeat: { intervalMs: 50 },
      });
      const quiet = await host.spawn('quiet', setup({}).createMachine({}), {
        heartbeat: { intervalMs: 50 },
      });
      await until('both known', () => detector!.known().length === 2);
      quiet.pauseHeartbeat(true);
      expect(await suspected.promise).toBe('quiet');
      expect(detector.isSuspected('alive')).toBe(false);
      expect(detector.suspected()).toEqual(['quiet']);
      expect(detector.phi('quiet')).toBeGreaterThan(detector.phi('alive'));
      quiet.pauseHeartbeat(false);
      expect(await recovered.promise).toBe('quiet');
      expect(detector.suspected()).toEqual([]);
    });
  }
});
