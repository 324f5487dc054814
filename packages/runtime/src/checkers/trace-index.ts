import type { RecvTrace, SendTrace, TraceEvent } from '../trace-event.js';
import type { EventRef } from './finding.js';

/**
 * A trace read once into the lookups every checker needs. Events are named by their
 * position in the trace (`i`, 0-based); `ref(i)` gives the trace's own (actor, seq) name.
 *
 * Program order is the order of an actor's events in the trace (the recorder appends them as
 * they happen). The Lamport checker reports any place where `seq` disagrees with it.
 *
 * A lane is an actor on a node. An actor whose events come from one node (every trace of one
 * process, and every member that never moved) has one lane, named by its id. An actor that ran
 * on several nodes (restored from its checkpoint by another process) has a lane per node: the
 * first keeps the id, the others are named `<id>@<node>`. Each incarnation counts its own
 * `seq` and Lamport time from its checkpoint, so its events never collide with the ones its
 * predecessor recorded after that checkpoint.
 */
export interface TraceIndex {
  readonly events: readonly TraceEvent[];
  /** Lane names (actor ids; `<id>@<node>` for an actor's lanes on later nodes), in order of
   *  first appearance. */
  readonly actors: readonly string[];
  /** Event -> its lane's number (index into `actors`). */
  readonly actorOf: Int32Array;
  /** Event -> its position in its actor's lane (0-based). */
  readonly position: Int32Array;
  /** Lane number -> its events in program order. */
  readonly lanes: readonly (readonly number[])[];
  /** Lane number -> the actor id it belongs to. */
  readonly laneActor: readonly string[];
  /** Receive -> the send it matches (same msgId and attempt), or -1 when none does. */
  readonly sendOf: Int32Array;
  /** A lane's number by its name; an actor id names the actor's latest lane. */
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

/** Each receive's send: the event number of the transmission it is a copy of, or -1. */
function matchReceives(
  events: readonly TraceEvent[],
  recvsByMsg: ReadonlyMap<string, number[]>,
  sendsByMsg: ReadonlyMap<string, number[]>,
  sendsByAttempt: ReadonlyMap<string, number[]>,
): { sendOf: Int32Array; recvsBySend: Map<number, number[]> } {
  const sendOf = new Int32Array(events.length).fill(-1);
  const recvsBySend = new Map<number, number[]>();
  // A retry is a new send with the same msgId and attempt + 1, so (msgId, attempt) names one
  // transmission; a cached reply resent twice repeats an attempt, and then the sender's
  // Lamport time (the envelope's) tells the copies apart. A receive without `attempt` (it is
  // optional in the trace contract) may match any send of its msgId, by the same rule.
  for (const [msgId, recvs] of recvsByMsg) {
    for (const r of recvs) {
      const recv = events[r] as RecvTrace;
      const candidates =
        recv.attempt === undefined
          ? sendsByMsg.get(msgId)
          : sendsByAttempt.get(`${msgId}\u0000${recv.attempt}`);
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
  return { sendOf, recvsBySend };
}

/** Reads a trace into a `TraceIndex` (linear time). */
export function createTraceIndex(events: readonly TraceEvent[]): TraceIndex {
  const n = events.length;
  const actors: string[] = [];
  const laneActor: string[] = [];
  const actorNumbers = new Map<string, number>();
  const laneNumbers = new Map<string, number>();
  const lanes: number[][] = [];
  const actorOf = new Int32Array(n);
  const position = new Int32Array(n);
  const byRef = new Map<string, number>();
  const sendsByMsg = new Map<string, number[]>();
  const recvsByMsg = new Map<string, number[]>();
  const withMsg = new Map<string, number[]>();
  const sendsByAttempt = new Map<string, number[]>();

  for (let i = 0; i < n; i++) {
    const e = events[i]!;
    const laneKey = `${e.actor}\u0000${e.node}`;
    let a = laneNumbers.get(laneKey);
    if (a === undefined) {
      a = actors.length;
      const name = actorNumbers.has(e.actor) ? `${e.actor}@${e.node}` : e.actor;
      actors.push(name);
      laneActor.push(e.actor);
      laneNumbers.set(laneKey, a);
      actorNumbers.set(e.actor, a);
      if (name !== e.actor) actorNumbers.set(name, a);
      lanes.push([]);
    }
    actorOf[i] = a;
    const lane = lanes[a]!;
    position[i] = lane.length;
    lane.push(i);
    const key = `${actors[a]!}\u0000${e.seq}`;
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

  const { sendOf, recvsBySend } = matchReceives(events, recvsByMsg, sendsByMsg, sendsByAttempt);

  return {
    events,
    actors,
    actorOf,
    position,
    lanes,
    laneActor,
    sendOf,
    actorNumber: (actor) => actorNumbers.get(actor),
    isTraced: (actor) => actorNumbers.has(actor),
    sendsOf: (msgId) => sendsByMsg.get(msgId) ?? EMPTY,
    recvsOf: (msgId) => recvsByMsg.get(msgId) ?? EMPTY,
    recvsOfSend: (s) => recvsBySend.get(s) ?? EMPTY,
    eventsWithMsg: (msgId) => withMsg.get(msgId) ?? EMPTY,
    find: (ref) => byRef.get(`${ref.actor}\u0000${ref.seq}`),
    ref: (i) => ({ actor: actors[actorOf[i]!]!, seq: events[i]!.seq }),
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
