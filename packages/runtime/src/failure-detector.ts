import type { NatsConnection, Subscription, TeamSubjects } from '@llm-teams/broker';
import type { Clock } from './clock.js';
import { RuntimeError } from './errors.js';
import { parseHeartbeat, type Heartbeat, type HeartbeatSource } from './heartbeat.js';

/**
 * Phi-accrual failure detection (Hayashibara et al.; as in Akka and Cassandra): for each
 * monitored actor, the inter-arrival times of its heartbeats are modelled as a normal
 * distribution; phi = -log10(P(a beat arrives later than now)). Suspect when phi exceeds the
 * threshold. The `timeout` kind suspects after a fixed silence instead.
 */
export interface FailureDetectorOptions {
  /** Where beats come from: a host, which decodes each once and dead-letters bad ones.
   *  Default: a subscription of the detector's own on `nc` (then `nc` and `subjects`). */
  heartbeats?: HeartbeatSource;
  nc?: NatsConnection;
  subjects?: TeamSubjects;
  /** With its own subscription: called for a payload that is not a heartbeat. */
  onReject?: (subject: string, data: Uint8Array, reason: string) => void;
  clock: Clock;
  /** Default `phi`. */
  kind?: 'phi' | 'timeout';
  /** Phi above which an actor is suspected. Default 8 (Akka's default). */
  phiThreshold?: number;
  /** For `timeout`, and the floor for `phi`: silence shorter than this never suspects.
   *  Default 1000. */
  timeoutMs?: number;
  /** Heartbeat interval the senders use, seeding the estimate before data exists. Default 250. */
  expectedIntervalMs?: number;
  /** Inter-arrival samples kept per actor. Default 100. */
  windowSize?: number;
  /** Lower bound on the standard deviation, so a perfectly regular sender is not suspected
   *  after one late beat. Default 100. */
  minStdDevMs?: number;
  /** How often suspicion is re-evaluated. Default 100. */
  checkIntervalMs?: number;
  /** Only these actors are watched (default: every actor that beats). */
  watch?: (actor: string) => boolean;
  /** Actors tracked at most: beats of further actors are ignored, so a stranger inventing
   *  actor names cannot grow the detector without end. Default 4096. */
  maxActors?: number;
  /** Actors expected to beat: watched from the detector's start, so one that dies before its
   *  first beat is heard is still suspected. */
  expect?: readonly string[];
  onSuspect?: (actor: string, info: SuspicionInfo) => void;
  onRecover?: (actor: string, info: SuspicionInfo) => void;
}

export interface SuspicionInfo {
  phi: number;
  silenceMs: number;
  node: string;
  incarnation: string;
}

export interface FailureDetector {
  /** Current phi of an actor (0 when unknown). */
  phi(actor: string): number;
  suspected(): string[];
  isSuspected(actor: string): boolean;
  /** Actors heard from, suspected or not. */
  known(): string[];
  close(): void;
}

interface Track {
  last: number;
  intervals: number[];
  sum: number;
  sumSq: number;
  suspected: boolean;
  node: string;
  incarnation: string;
}

/** P(X > x) for a normal distribution, via the logistic approximation Akka uses. */
function phiOf(elapsed: number, mean: number, std: number): number {
  const y = (elapsed - mean) / std;
  const e = Math.exp(-y * (1.5976 + 0.070566 * y * y));
  const p = elapsed > mean ? e / (1 + e) : 1 - 1 / (1 + e);
  return -Math.log10(Math.max(p, 1e-300));
}

function listen(options: FailureDetectorOptions, onBeat: (hb: Heartbeat) => void): () => void {
  if (options.heartbeats) return options.heartbeats.onHeartbeat(onBeat);
  const { nc, subjects } = options;
  if (!nc || !subjects) {
    throw new RuntimeError(
      'INVALID_ARGUMENT',
      'a failure detector needs heartbeats (a host) or nc and subjects',
    );
  }
  const sub: Subscription = nc.subscribe(subjects.heartbeatWildcard, {
    callback: (err, msg) => {
      if (err) return;
      const hb = parseHeartbeat(msg.data, msg.subject);
      if (typeof hb === 'string') options.onReject?.(msg.subject, msg.data, hb);
      else onBeat(hb);
    },
  });
  return () => sub.unsubscribe();
}

export function createFailureDetector(options: FailureDetectorOptions): FailureDetector {
  const kind = options.kind ?? 'phi';
  const threshold = options.phiThreshold ?? 8;
  const timeoutMs = options.timeoutMs ?? 1000;
  const expected = options.expectedIntervalMs ?? 250;
  const windowSize = options.windowSize ?? 100;
  const minStd = options.minStdDevMs ?? 100;
  const maxActors = options.maxActors ?? 4096;
  const clock = options.clock;
  const tracks = new Map<string, Track>();
  let closed = false;

  const info = (t: Track, now: number): SuspicionInfo => ({
    phi: phiFor(t, now),
    silenceMs: now - t.last,
    node: t.node,
    incarnation: t.incarnation,
  });

  function phiFor(t: Track, now: number): number {
    const n = t.intervals.length;
    const mean = n > 0 ? t.sum / n : expected;
    const variance = n > 1 ? Math.max(0, t.sumSq / n - mean * mean) : (expected / 4) ** 2;
    return phiOf(now - t.last, mean, Math.max(minStd, Math.sqrt(variance)));
  }

  function onBeat(hb: Heartbeat): void {
    if (options.watch && !options.watch(hb.actor)) return;
    const now = clock.now();
    let t = tracks.get(hb.actor);
    if (!t) {
      if (tracks.size >= maxActors) return;
      t = {
        last: now,
        intervals: [],
        sum: 0,
        sumSq: 0,
        suspected: false,
        node: hb.node,
        incarnation: hb.incarnation,
      };
      tracks.set(hb.actor, t);
      return;
    }
    if (t.incarnation !== hb.incarnation) {
      // A new incarnation: its history says nothing about the old one's rhythm.
      t.intervals = [];
      t.sum = 0;
      t.sumSq = 0;
      t.incarnation = hb.incarnation;
      t.node = hb.node;
    } else {
      const dt = now - t.last;
      t.intervals.push(dt);
      t.sum += dt;
      t.sumSq += dt * dt;
      if (t.intervals.length > windowSize) {
        const old = t.intervals.shift()!;
        t.sum -= old;
        t.sumSq -= old * old;
      }
    }
    t.last = now;
    if (t.suspected) {
      t.suspected = false;
      options.onRecover?.(hb.actor, info(t, now));
    }
  }

  const checkEveryMs = options.checkIntervalMs ?? 100;
  // When the next check is due, by the detector's clock.
  let dueAt = clock.now() + checkEveryMs;
  function check(): void {
    if (closed) return;
    const now = clock.now();
    // Silence is judged as of when this check was due: while the detector itself was paused
    // (its process starved of CPU), beats that arrived wait unread behind this timer, and a
    // silence it could not hear is no evidence. The next check, on time, has read them.
    const asOf = Math.min(now, dueAt);
    for (const [actor, t] of tracks) {
      if (t.suspected) continue;
      const silence = asOf - t.last;
      const suspect =
        kind === 'timeout'
          ? silence > timeoutMs
          : silence > timeoutMs && phiFor(t, asOf) > threshold;
      if (suspect) {
        t.suspected = true;
        options.onSuspect?.(actor, info(t, asOf));
      }
    }
    dueAt = now + checkEveryMs;
    timer = clock.setTimeout(check, checkEveryMs);
  }

  const unsubscribe = listen(options, (hb) => {
    if (!closed) onBeat(hb);
  });
  const startedAt = clock.now();
  for (const actor of options.expect ?? []) {
    if (!tracks.has(actor)) {
      tracks.set(actor, {
        last: startedAt,
        intervals: [],
        sum: 0,
        sumSq: 0,
        suspected: false,
        node: '',
        incarnation: '',
      });
    }
  }
  let timer: unknown = clock.setTimeout(check, checkEveryMs);

  return {
    phi: (actor) => {
      const t = tracks.get(actor);
      return t ? phiFor(t, clock.now()) : 0;
    },
    suspected: () => [...tracks].filter(([, t]) => t.suspected).map(([a]) => a),
    isSuspected: (actor) => tracks.get(actor)?.suspected ?? false,
    known: () => [...tracks.keys()],
    close() {
      closed = true;
      clock.clearTimeout(timer);
      unsubscribe();
    },
  };
}
