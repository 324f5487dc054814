import type { NatsConnection, TeamSubjects } from '@llm-teams/broker';
import type { Clock } from './clock.js';
import { decodeValue, encodeValue } from './codec.js';

/** What a heartbeat carries. */
export interface Heartbeat {
  actor: string;
  node: string;
  /** Beats sent by this incarnation, from 1: a restart starts again at 1. */
  n: number;
  /** Distinguishes incarnations of one actor id. */
  incarnation: string;
  wall: number;
}

export interface HeartbeaterOptions {
  nc: NatsConnection;
  subjects: TeamSubjects;
  actor: string;
  node: string;
  /** Default 250. */
  intervalMs?: number;
  clock: Clock;
  incarnation: string;
}

export interface Heartbeater {
  /** Stop beating (the actor crashed, paused, or left). */
  close(): void;
  /** Suspend / resume beating without closing (a paused actor, a straggler fault). */
  pause(paused: boolean): void;
}

/** Publishes `hb.<actor>` every `intervalMs` (core NATS: a lost beat is just a late one). */
export function createHeartbeater(options: HeartbeaterOptions): Heartbeater {
  const subject = options.subjects.heartbeat(options.actor);
  const interval = options.intervalMs ?? 250;
  let n = 0;
  let paused = false;
  let closed = false;
  let timer: unknown;
  const beat = () => {
    if (closed) return;
    if (!paused && !options.nc.isClosed() && !options.nc.isDraining()) {
      const hb: Heartbeat = {
        actor: options.actor,
        node: options.node,
        n: ++n,
        incarnation: options.incarnation,
        wall: options.clock.now(),
      };
      options.nc.publish(subject, encodeValue(hb));
    }
    timer = options.clock.setTimeout(beat, interval);
  };
  beat();
  return {
    close() {
      closed = true;
      options.clock.clearTimeout(timer);
    },
    pause(p) {
      paused = p;
    },
  };
}

/** Decodes a heartbeat payload, or undefined when it is not one. */
export function decodeHeartbeat(data: Uint8Array): Heartbeat | undefined {
  try {
    const v = decodeValue(data) as Partial<Heartbeat> | null;
    if (
      v &&
      typeof v.actor === 'string' &&
      typeof v.node === 'string' &&
      typeof v.n === 'number' &&
      typeof v.incarnation === 'string' &&
      typeof v.wall === 'number'
    ) {
      return v as Heartbeat;
    }
  } catch {
    // Not a heartbeat.
  }
  return undefined;
}
