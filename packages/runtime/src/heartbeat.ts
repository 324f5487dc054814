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

/** Where heartbeats come from: a host (one subscription, bad beats dead-lettered once). */
export interface HeartbeatSource {
  /** Calls `listener` with every valid heartbeat of the team; returns the unsubscribe. */
  onHeartbeat(listener: (hb: Heartbeat, subject: string) => void): () => void;
}

const TEXT = (v: unknown) => typeof v === 'string' && v.length > 0 && v.length <= 128;

/**
 * Decodes a heartbeat payload, or says why it is not one. With `subject`, the beat must name
 * the actor the subject does (`...hb.<actor>`): a beat cannot speak for someone else.
 */
export function parseHeartbeat(data: Uint8Array, subject?: string): Heartbeat | string {
  let v: unknown;
  try {
    v = decodeValue(data);
  } catch (err) {
    return `undecodable heartbeat (${data.length} bytes): ${(err as Error).message}`;
  }
  const hb = v as Partial<Heartbeat> | null;
  if (
    !hb ||
    typeof hb !== 'object' ||
    !TEXT(hb.actor) ||
    !TEXT(hb.node) ||
    !TEXT(hb.incarnation) ||
    typeof hb.n !== 'number' ||
    typeof hb.wall !== 'number' ||
    !Number.isFinite(hb.wall)
  ) {
    return 'not a heartbeat: needs actor, node, incarnation (strings), n and wall (numbers)';
  }
  if (subject !== undefined && subject.slice(subject.lastIndexOf('.') + 1) !== hb.actor) {
    return `heartbeat of ${hb.actor} on the subject of another actor`;
  }
  return hb as Heartbeat;
}

/** Decodes a heartbeat payload, or undefined when it is not one. */
export function decodeHeartbeat(data: Uint8Array): Heartbeat | undefined {
  const hb = parseHeartbeat(data);
  return typeof hb === 'string' ? undefined : hb;
}
