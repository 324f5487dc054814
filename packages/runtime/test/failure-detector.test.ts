import { describe, expect, it } from 'vitest';
import { harness } from './support/detector-harness.js';
import {
  createFailureDetector,
  createVirtualClock,
  parseHeartbeat,
  encodeValue,
  type FailureDetectorOptions,
} from '@llm-teams/runtime';

describe('failure detector (timeout)', () => {
  it('suspects an actor silent for longer than timeoutMs, and clears it when it beats again', () => {
    const h = harness({ kind: 'timeout', timeoutMs: 300 });
    for (let t = 0; t <= 500; t += 100) {
      h.advanceTo(t);
      h.beat('a');
    }
    h.advanceTo(800);
    expect(h.detector.isSuspected('a')).toBe(false);
    h.advanceTo(810);
    expect(h.detector.isSuspected('a')).toBe(true);
    expect(h.events.map(([e, a]) => [e, a])).toEqual([['suspect', 'a']]);
    expect(h.events[0]![2].silenceMs).toBeGreaterThan(300);
    expect(h.events[0]![2].incarnation).toBe('i1');
    h.beat('a');
    expect(h.detector.isSuspected('a')).toBe(false);
    expect(h.detector.suspected()).toEqual([]);
    expect(h.events.map(([e]) => e)).toEqual(['suspect', 'recover']);
  });

  it('does not count a silence it could not hear: after its own pause, the actors that beat on are not suspected; one that stopped is, on time', () => {
    const h = harness({ kind: 'timeout', timeoutMs: 300 });
    for (let t = 0; t <= 500; t += 100) {
      h.advanceTo(t);
      h.beat('a');
      h.beat('b');
    }
    // The detector's process stops for 5 s (starved of CPU): time passes, no timer runs, and
    // the beats sent meanwhile wait unread; its first check runs late, before it reads them.
    h.clock.jumpTo(5500);
    h.clock.fireNext();
    expect(h.events).toEqual([]);
    h.beat('a');
    h.beat('b');
    // Then `a` beats on and `b` has stopped: `b` is suspected once silent for 300 ms again.
    for (let t = 5600; t <= 6000; t += 100) {
      h.advanceTo(t);
      h.beat('a');
    }
    expect(h.events.map(([e, a]) => [e, a])).toEqual([['suspect', 'b']]);
  });

  it('suspects an expected actor that never beat, from the detector start', () => {
    const h = harness({ kind: 'timeout', timeoutMs: 200, expect: ['late'] });
    h.advanceTo(190);
    expect(h.detector.isSuspected('late')).toBe(false);
    h.advanceTo(220);
    expect(h.detector.suspected()).toEqual(['late']);
    // Nothing is known of where it runs.
    expect(h.events[0]![2]).toMatchObject({ node: '', incarnation: '', silenceMs: 210 });
  });

  it('watches only the actors its filter admits, and at most maxActors of them', () => {
    const h = harness({ kind: 'timeout', watch: (a) => a.startsWith('w'), maxActors: 2 });
    for (const a of ['w1', 'x1', 'w2', 'w3']) h.beat(a);
    expect(h.detector.known().sort()).toEqual(['w1', 'w2']);
  });
});

describe('failure detector (phi accrual)', () => {
  it('stays quiet for a regular sender, and suspects it once phi passes the threshold', () => {
    const h = harness({ kind: 'phi', timeoutMs: 100, phiThreshold: 8, minStdDevMs: 10 });
    for (let t = 0; t <= 2000; t += 50) {
      h.advanceTo(t);
      h.beat('a');
    }
    expect(h.detector.phi('a')).toBeLessThan(1);
    h.advanceTo(2120);
    const phiEarly = h.detector.phi('a');
    h.advanceTo(2300);
    expect(h.detector.phi('a')).toBeGreaterThan(phiEarly);
    h.advanceTo(3000);
    expect(h.detector.isSuspected('a')).toBe(true);
    expect(h.events[0]![2].phi).toBeGreaterThan(8);
  });

  // -log10 of the normal distribution's upper tail at y standard deviations past the mean
  // interval (phi accrual's suspicion): the textbook values, which the detector's logistic
  // approximation meets to 1e-3 (y = -1, 0, 1, 2).
  const PHI_AT = new Map([
    [-1, 0.07504],
    [0, 0.30103],
    [1, 0.79955],
    [2, 1.64302],
  ]);
  const expectPhi = (h: ReturnType<typeof harness>, at: number, y: number) => {
    h.advanceTo(at);
    expect(h.detector.phi('a')).toBeCloseTo(PHI_AT.get(y)!, 3);
  };

  it('computes phi from the mean and spread of the intervals it heard', () => {
    // Regular beats, 100 ms apart: mean 100, no spread, so the spread floor (50 ms) counts.
    const regular = harness({ kind: 'phi', timeoutMs: 10_000, minStdDevMs: 50 });
    for (let t = 0; t <= 2000; t += 100) {
      regular.advanceTo(t);
      regular.beat('a');
    }
    expectPhi(regular, 2050, -1);
    expectPhi(regular, 2100, 0);
    expectPhi(regular, 2150, 1);
    expectPhi(regular, 2200, 2);
    // 80 and 120 ms in turn: mean 100, standard deviation 20 (over the floor of 10).
    const uneven = harness({ kind: 'phi', timeoutMs: 10_000, minStdDevMs: 10 });
    let last = 0;
    for (let i = 0; i <= 20; i++) {
      if (i > 0) last += i % 2 === 0 ? 80 : 120;
      uneven.advanceTo(last);
      uneven.beat('a');
    }
    expectPhi(uneven, last + 100, 0);
    expectPhi(uneven, last + 120, 1);
    expectPhi(uneven, last + 140, 2);
  });

  it('before two intervals, assumes the expected interval and a spread of a quarter of it', () => {
    const h = harness({ kind: 'phi', timeoutMs: 10_000, minStdDevMs: 10, expectedIntervalMs: 200 });
    h.beat('a');
    // No interval yet: mean 200, spread 50.
    expectPhi(h, 200, 0);
    expectPhi(h, 250, 1);
    h.beat('a');
    // One interval (250): its mean, the assumed spread still.
    expectPhi(h, 500, 0);
    expectPhi(h, 600, 2);
  });

  it('keeps only the last windowSize intervals', () => {
    const h = harness({ kind: 'phi', timeoutMs: 10_000, minStdDevMs: 20, windowSize: 4 });
    let t = 0;
    for (let i = 0; i < 10; i++) {
      if (i > 0) t += 50;
      h.advanceTo(t);
      h.beat('a');
    }
    for (let i = 0; i < 4; i++) {
      t += 200;
      h.advanceTo(t);
      h.beat('a');
    }
    // The window holds four 200 ms intervals now: mean 200, no spread (the floor: 20).
    expectPhi(h, t + 200, 0);
    expectPhi(h, t + 220, 1);
  });

  it('never suspects within timeoutMs, however high phi is', () => {
    const h = harness({ kind: 'phi', timeoutMs: 1000, phiThreshold: 1, minStdDevMs: 1 });
    for (let t = 0; t <= 1000; t += 10) {
      h.advanceTo(t);
      h.beat('a');
    }
    h.advanceTo(1900);
    expect(h.detector.phi('a')).toBeGreaterThan(1);
    expect(h.detector.isSuspected('a')).toBe(false);
    h.advanceTo(2100);
    expect(h.detector.isSuspected('a')).toBe(true);
  });

  it("forgets an old incarnation's rhythm when a restarted actor beats", () => {
    const h = harness({ kind: 'phi', timeoutMs: 100, minStdDevMs: 10 });
    for (let t = 0; t <= 1000; t += 50) {
      h.advanceTo(t);
      h.beat('a', 'first');
    }
    // A restarted incarnation beats slowly; the first incarnation's 50 ms do not count against it.
    for (let t = 1500; t <= 4500; t += 500) {
      h.advanceTo(t);
      h.beat('a', 'second');
    }
    h.advanceTo(4700);
    expect(h.detector.isSuspected('a')).toBe(false);
    expect(h.detector.phi('a')).toBeLessThan(8);
  });

  it('reports phi 0 for an actor it never heard of, and stops checking when closed', () => {
    const h = harness({ kind: 'timeout', timeoutMs: 100 });
    expect(h.detector.phi('ghost')).toBe(0);
    h.beat('a');
    h.detector.close();
    expect(h.listening()).toBe(false);
    h.advanceTo(10_000);
    expect(h.events).toEqual([]);
    expect(h.clock.pending).toBe(0);
  });
});

describe('failure detector (wiring and defaults)', () => {
  it('needs a heartbeat source or a connection with subjects', () => {
    const clock = createVirtualClock({ startMs: 0 });
    expect(() => createFailureDetector({ clock })).toThrow(
      expect.objectContaining({
        code: 'INVALID_ARGUMENT',
        message: 'a failure detector needs heartbeats (a host) or nc and subjects',
      }),
    );
  });

  it('on a connection: tracks good heartbeats, hands bad ones to onReject, unsubscribes on close', () => {
    const clock = createVirtualClock({ startMs: 0 });
    let callback:
      ((err: Error | null, msg: { subject: string; data: Uint8Array }) => void) | undefined;
    let subscribed = '';
    let unsubscribed = false;
    const nc = {
      subscribe: (subject: string, opts: { callback: typeof callback }) => {
        subscribed = subject;
        callback = opts.callback;
        return { unsubscribe: () => void (unsubscribed = true) };
      },
    };
    const rejects: string[] = [];
    const detector = createFailureDetector({
      clock,
      nc: nc as unknown as FailureDetectorOptions['nc'],
      subjects: { heartbeatWildcard: 'llmt.t.hb.*' } as FailureDetectorOptions['subjects'],
      onReject: (subject, data, reason) => rejects.push(`${subject} ${data.length} ${reason}`),
    });
    expect(subscribed).toBe('llmt.t.hb.*');
    const hb = { actor: 'a1', node: 'n', n: 1, incarnation: 'x', wall: 0 };
    callback!(new Error('slow consumer'), { subject: 'llmt.t.hb.a1', data: encodeValue(hb) });
    expect(detector.known()).toEqual([]);
    callback!(null, { subject: 'llmt.t.hb.a1', data: encodeValue(hb) });
    expect(detector.known()).toEqual(['a1']);
    callback!(null, { subject: 'llmt.t.hb.a2', data: encodeValue(hb) });
    expect(rejects).toEqual([
      `llmt.t.hb.a2 ${encodeValue(hb).length} heartbeat of a1 on the subject of another actor`,
    ]);
    detector.close();
    expect(unsubscribed).toBe(true);
  });

  it('by default: phi accrual over a 1 s timeout, threshold 8, checked every 100 ms; no callbacks needed', () => {
    const h = harness({ checkIntervalMs: undefined, onSuspect: undefined, onRecover: undefined });
    expect(h.detector.isSuspected('ghost')).toBe(false);
    for (let t = 0; t <= 2000; t += 250) {
      h.advanceTo(t);
      h.beat('a');
    }
    h.advanceTo(3000);
    expect(h.detector.isSuspected('a')).toBe(false);
    h.advanceTo(3100);
    expect(h.detector.suspected()).toEqual(['a']);
    h.beat('a');
    expect(h.detector.suspected()).toEqual([]);
  });

  it('tells how long the suspect was silent, and forgets the rhythm of an earlier incarnation', () => {
    const h = harness({ kind: 'phi', timeoutMs: 10_000, minStdDevMs: 50, expectedIntervalMs: 200 });
    for (let t = 0; t <= 1000; t += 100) {
      h.advanceTo(t);
      h.beat('a', 'first');
    }
    h.advanceTo(1100);
    expect(h.detector.phi('a')).toBeCloseTo(0.30103, 3); // mean 100
    h.beat('a', 'second');
    h.advanceTo(1300);
    expect(h.detector.phi('a')).toBeCloseTo(0.30103, 3); // no interval yet: the expected 200
    const t = harness({ kind: 'timeout', timeoutMs: 300 });
    t.beat('a');
    t.advanceTo(1000);
    expect(t.events.map(([e, , info]) => [e, info.silenceMs])).toEqual([['suspect', 310]]);
  });
});

describe('heartbeat payloads', () => {
  it('are refused with a reason when they are not heartbeats or speak for another actor', () => {
    const hb = { actor: 'a1', node: 'n', n: 1, incarnation: 'x', wall: 5 };
    expect(parseHeartbeat(encodeValue(hb), 'llmt.t.hb.a1')).toEqual(hb);
    expect(parseHeartbeat(encodeValue(hb), 'llmt.t.hb.a2')).toBe(
      'heartbeat of a1 on the subject of another actor',
    );
    expect(parseHeartbeat(encodeValue({ ...hb, n: 'one' }))).toMatch(/not a heartbeat/);
    expect(parseHeartbeat(encodeValue(hb).subarray(0, 5))).toMatch(/undecodable heartbeat/);
    expect(parseHeartbeat(new Uint8Array(0))).toMatch(/heartbeat/);
  });
});
