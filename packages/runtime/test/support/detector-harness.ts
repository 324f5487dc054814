/** Heartbeats handed to a failure detector by a test, on a virtual clock: no NATS, no real time. */
import {
  createFailureDetector,
  createVirtualClock,
  type FailureDetectorOptions,
  type Heartbeat,
  type HeartbeatSource,
  type SuspicionInfo,
  type VirtualClock,
} from '@llm-teams/runtime';

/** Heartbeats handed in by the test, on a virtual clock: no NATS, no real time. */
export function harness(options: Partial<FailureDetectorOptions> = {}) {
  const clock = createVirtualClock({ startMs: 0 });
  let listener: ((hb: Heartbeat, subject: string) => void) | undefined;
  const source: HeartbeatSource = {
    onHeartbeat(l) {
      listener = l;
      return () => (listener = undefined);
    },
  };
  const events: [string, string, SuspicionInfo][] = [];
  const detector = createFailureDetector({
    heartbeats: source,
    clock,
    checkIntervalMs: 10,
    onSuspect: (a, info) => events.push(['suspect', a, info]),
    onRecover: (a, info) => events.push(['recover', a, info]),
    ...options,
  });
  const counters = new Map<string, number>();
  const beat = (actor: string, incarnation = 'i1') => {
    const n = (counters.get(actor + incarnation) ?? 0) + 1;
    counters.set(actor + incarnation, n);
    listener?.({ actor, node: 'n', n, incarnation, wall: clock.now() }, `llmt.t.hb.${actor}`);
  };
  /** Moves time to `ms`, firing every timer due on the way (the detector's checks). */
  const advanceTo = (ms: number) => advance(clock, ms);
  return { clock, detector, events, beat, advanceTo, listening: () => listener !== undefined };
}

export function advance(clock: VirtualClock, ms: number): void {
  while ((clock.nextDue() ?? Infinity) <= ms) clock.fireNext();
  clock.jumpTo(ms);
}
