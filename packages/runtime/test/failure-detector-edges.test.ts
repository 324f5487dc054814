import { describe, expect, it } from 'vitest';
import {
  createFailureDetector,
  createVirtualClock,
  type FailureDetectorOptions,
} from '@llm-teams/runtime';
import { harness } from './support/detector-harness.js';

describe('failure detector (edges)', () => {
  it('keeps exactly windowSize intervals', () => {
    // Intervals 100 and 300 in a window of two: mean 200, standard deviation 100.
    const h = harness({ kind: 'phi', timeoutMs: 10_000, minStdDevMs: 10, windowSize: 2 });
    for (const t of [0, 100, 400]) {
      h.advanceTo(t);
      h.beat('a');
    }
    expect(phiAt(h, 600)).toBeCloseTo(0.30103, 3);
    expect(phiAt(h, 700)).toBeCloseTo(0.79955, 3);
  });

  it('keeps phi growing with the silence far past the mean', () => {
    // Mean 100, spread 50: 8 and 10 spreads past the mean.
    const h = harness({ kind: 'phi', timeoutMs: 10_000, minStdDevMs: 50 });
    for (let t = 0; t <= 1000; t += 100) {
      h.advanceTo(t);
      h.beat('a');
    }
    const at8 = phiAt(h, 1500);
    const at10 = phiAt(h, 1600);
    expect(at8).toBeGreaterThan(20);
    expect(at10).toBeGreaterThan(at8 + 10);
    expect(at10).toBeLessThan(100);
  });

  it('judges an expected actor that never beat by the expected interval', () => {
    const h = harness({ kind: 'phi', timeoutMs: 10_000, expectedIntervalMs: 200, expect: ['a'] });
    // Mean 200; the spread is the floor of 100 (a quarter of 200 is less).
    expect(phiAt(h, 200)).toBeCloseTo(0.30103, 3);
    expect(phiAt(h, 300)).toBeCloseTo(0.79955, 3);
  });

  it('measures the silence from the last beat', () => {
    const h = harness({ kind: 'timeout', timeoutMs: 300 });
    h.advanceTo(500);
    h.beat('a');
    h.advanceTo(2000);
    expect(h.events.map(([e, , info]) => [e, info.silenceMs])).toEqual([['suspect', 310]]);
  });

  it('checks every checkIntervalMs from its start', () => {
    const h = harness({ kind: 'timeout', timeoutMs: 100, checkIntervalMs: 1000, expect: ['a'] });
    h.advanceTo(999);
    expect(h.detector.isSuspected('a')).toBe(false);
    h.advanceTo(1000);
    expect(h.detector.isSuspected('a')).toBe(true);
  });

  it('closed from its own onSuspect callback, it checks no more', () => {
    const own: { detector?: ReturnType<typeof createFailureDetector> } = {};
    const suspects: string[] = [];
    const h = harness({
      kind: 'timeout',
      timeoutMs: 100,
      onSuspect: (actor) => {
        suspects.push(actor);
        own.detector?.close();
      },
    });
    own.detector = h.detector;
    h.beat('a');
    h.advanceTo(50);
    h.beat('b');
    h.advanceTo(1000);
    expect(suspects).toEqual(['a']);
    expect(h.clock.pending).toBe(0);
  });

  it('needs subjects with a connection', () => {
    const clock = createVirtualClock({ startMs: 0 });
    const subjects = { heartbeatWildcard: 'llmt.t.hb.*' } as FailureDetectorOptions['subjects'];
    expect(() => createFailureDetector({ clock, subjects })).toThrow(
      expect.objectContaining({ code: 'INVALID_ARGUMENT' }),
    );
  });

  it('on a connection without onReject, drops a payload that is not a heartbeat', () => {
    let callback:
      ((err: Error | null, msg: { subject: string; data: Uint8Array }) => void) | undefined;
    const nc = {
      subscribe: (_subject: string, opts: { callback: typeof callback }) => {
        callback = opts.callback;
        return { unsubscribe: () => undefined };
      },
    };
    const detector = createFailureDetector({
      clock: createVirtualClock({ startMs: 0 }),
      nc: nc as unknown as FailureDetectorOptions['nc'],
      subjects: { heartbeatWildcard: 'llmt.t.hb.*' } as FailureDetectorOptions['subjects'],
    });
    expect(() =>
      callback!(null, { subject: 'llmt.t.hb.a1', data: new Uint8Array([1, 2]) }),
    ).not.toThrow();
    expect(detector.known()).toEqual([]);
    detector.close();
  });
});

/** The detector's phi for actor a at time `at`. */
function phiAt(h: ReturnType<typeof harness>, at: number): number {
  h.advanceTo(at);
  return h.detector.phi('a');
}
