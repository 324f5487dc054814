import type { RecvTrace, SendTrace, TraceEvent } from '../trace-event.js';
import type { EventRef } from './finding.js';

/**
 * A trace read once into the lookups every checker needs. Events are named by their
 * position in the trace (`i`, 0-based); `ref(i)` gives the trace's own (actor, seq) name.
 *
 * Program order is the order of an actor's events in the trace (the recorder appends them as
 * they happen). The Lamport checker reports any place where `seq` disagrees with it.
 */
export interface TraceIndex {
  readonly events: readonly TraceEvent[];
  /** Actor ids, in order of first appearance. */
  readonly actors: readonly string[];
  /** Event -> its actor's number (index into `actors`). */
  readonly actorOf: Int32Array;
  /** Event -> its position in its actor's lane (0-based). */
  readonly position: Int32Array;
  /** Actor number -> its events in program order. */
  readonly lanes: readonly (readonly number[])[];
  /** Receive -> the send it matches (same msgId and attempt), or -1 when none does. */
  readonly sendOf: Int32Array;
  actorNumber(actor: string): number | undefined;
  /** Whether the actor has any event in the trace (if not, nothing can be said about it). */
  isTraced(actor: string): boolean;
  /** Every send of a logical message (all attempts), in trace order. */
  sendsOf(msgId: string): readonly number[];
  /** Every receive of a logical message (all attempts, all receivers), in trace order. */
  recvsOf(msgId: string): readonly number[];
  /** The receives matched to one send event. */
  recvsOfSend(send: number): readonly number[];
  /** Every event carrying this msgId (sends, receives, faults, rejects, marks). */
  eventsWithMsg(msgId: string): readonly number[];
  /** The event an (actor, seq) pair names; the first one if a broken trace repeats it. */
  find(ref: EventRef): number | undefined;
  ref(i: number): EventRef;
  send(i: number): SendTrace | undefined;
  recv(i: number): RecvTrace | undefined;
}

const EMPTY: readonly number[] = [];

function push<K>(map: Map<K, number[]>, key: K, value: number): void {
  const list = map.get(key);
  if (list) list.push(value);
  else map.set(key, [value]);
}

/** Reads a trace into a `TraceIndex` (linear time). */
export function createTraceIndex(events: readonly TraceEvent[]): TraceIndex {
  const n = events.length;
  const actors: string[] = [];
  const actorNumbers = new Map<string, number>();
  const lanes: number[][] = [];
  const actorOf = new Int32Array(n);
  const position = new Int32Array(n);
  const sendOf = new Int32Array(n).fill(-1);
  const byRef = new Map<string, number>();
  const sendsByMsg = new Map<string, number[]>();
  const recvsByMsg = new Map<string, number[]>();
  const withMsg = new Map<string, number[]>();
  const sendsByAttempt = new Map<string, number[]>();
  const recvsBySend = new Map<number, number[]>();

  for (let i = 0; i < n; i++) {
    const e = events[i]!;
    let a = actorNumbers.get(e.actor);
    if (a === undefined) {
      a = actors.length;
      actors.push(e.actor);
      actorNumbers.set(e.actor, a);
      lanes.push([]);
    }
    actorOf[i] = a;
    const lane = lanes[a]!;
    position[i] = lane.length;
    lane.push(i);
    const key = `${e.actor}\u0000${e.seq}`;
    if (!byRef.has(key)) byRef.set(key, i);
    const msgId = (e as { msgId?: unknown }).msgId;
    if (typeof msgId === 'string') push(withMsg, msgId, i);
    if (e.kind === 'send') {
      push(sendsByMsg, e.msgId, i);
      push(sendsByAttempt, `${e.msgId}\u0000${e.attempt}`, i);
    } else if (e.kind === 'recv') {
      push(recvsByMsg, e.msgId, i);
    }
  }

  // A retry is a new send with the same msgId and attempt + 1, so (msgId, attempt) names one
  // transmission; a cached reply resent twice repeats an attempt, and then the sender's
  // Lamport time (the envelope's) tells the copies apart.
  for (const [msgId, recvs] of recvsByMsg) {
    for (const r of recvs) {
      const recv = events[r] as RecvTrace;
      const candidates = sendsByAttempt.get(`${msgId}\u0000${recv.attempt}`);
      if (!candidates) continue;
      let match = -1;
      for (const s of candidates) {
        const send = events[s] as SendTrace;
        if (send.actor !== recv.from) continue;
        if (send.lamport === recv.msgLamport) {
          match = s;
          break;
        }
        if (match < 0) match = s;
      }
      if (match < 0) continue;
      sendOf[r] = match;
      push(recvsBySend, match, r);
    }
  }

  return {
    events,
    actors,
    actorOf,
    position,
    lanes,
    sendOf,
    actorNumber: (actor) => actorNumbers.get(actor),
    isTraced: (actor) => actorNumbers.has(actor),
    sendsOf: (msgId) => sendsByMsg.get(msgId) ?? EMPTY,
    recvsOf: (msgId) => recvsByMsg.get(msgId) ?? EMPTY,
    recvsOfSend: (s) => recvsBySend.get(s) ?? EMPTY,
    eventsWithMsg: (msgId) => withMsg.get(msgId) ?? EMPTY,
    find: (ref) => byRef.get(`${ref.actor}\u0000${ref.seq}`),
    ref: (i) => {
      const e = events[i]!;
      return { actor: e.actor, seq: e.seq };
    },
    send: (i) => {
      const e = events[i];
      return e?.kind === 'send' ? e : undefined;
    },
    recv: (i) => {
      const e = events[i];
      return e?.kind === 'recv' ? e : undefined;
    },
  };
}
