import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { setup } from 'xstate';
import {
  createFailureDetector,
  createSkewedClock,
  systemClock,
  type ActorHost,
  type FailureDetectorOptions,
} from '@llm-teams/runtime';
import { deferred, startHostFixture, until, type HostFixture } from '@llm-teams/testkit';

/**
 * A failure detector of the host's team on a connection of its own, on true time, suspecting
 * after 300 ms: the first actor it suspects and the first it clears.
 */
async function watchHeartbeats(
  t: HostFixture,
  host: ActorHost,
  options: Partial<FailureDetectorOptions>,
) {
  const suspected = deferred<string>();
  const recovered = deferred<string>();
  const detector = t.track(
    createFailureDetector({
      nc: await t.connect(),
      subjects: host.subjects,
      clock: systemClock,
      timeoutMs: 300,
      onSuspect: (a) => suspected.resolve(a),
      onRecover: (a) => recovered.resolve(a),
      ...options,
    }),
  );
  return { detector, suspected: suspected.promise, recovered: recovered.promise };
}

describe('heartbeats and failure detection', () => {
  let t: HostFixture;
  let host: ActorHost;
  beforeEach(async () => {
    t = await startHostFixture({ team: 'fd', provision: false });
    host = await t.host({ node: 'h', seed: 1 });
  });
  afterEach(() => t.close());

  for (const kind of ['phi', 'timeout'] as const) {
    it(`${kind}: suspects a silent actor and clears it when it beats again`, async () => {
      const { detector, suspected, recovered } = await watchHeartbeats(t, host, {
        kind,
        expectedIntervalMs: 50,
        minStdDevMs: 20,
      });
      await host.spawn('alive', setup({}).createMachine({}), {
        heartbeat: { intervalMs: 50 },
      });
      const quiet = await host.spawn('quiet', setup({}).createMachine({}), {
        heartbeat: { intervalMs: 50 },
      });
      await until('both known', () => detector.known().length === 2);
      quiet.pauseHeartbeat(true);
      expect(await suspected).toBe('quiet');
      expect(detector.isSuspected('alive')).toBe(false);
      expect(detector.suspected()).toEqual(['quiet']);
      expect(detector.phi('quiet')).toBeGreaterThan(detector.phi('alive'));
      quiet.pauseHeartbeat(false);
      expect(await recovered).toBe('quiet');
      expect(detector.suspected()).toEqual([]);
    });
  }
});

describe('clock faults and failure detection', () => {
  it('a host whose clock crawls (drift) beats too seldom and is suspected; true time again, it recovers', async () => {
    const t = await startHostFixture({ team: 'fd', provision: false });
    const clock = createSkewedClock(systemClock);
    const host = await t.host({ node: 'h', seed: 1, clock });
    const { detector, suspected, recovered } = await watchHeartbeats(t, host, { kind: 'timeout' });
    try {
      await host.spawn('slowpoke', setup({}).createMachine({}), { heartbeat: { intervalMs: 50 } });
      await until('known', () => detector.known().length === 1);
      // 50 ms of a clock at a twentieth of true speed: a beat a second.
      clock.set('crawl', { rate: -0.95 });
      expect(await suspected).toBe('slowpoke');
      clock.remove('crawl');
      expect(await recovered).toBe('slowpoke');
    } finally {
      await t.close();
    }
  });
});
