import type { DeliveryMode, SendTrace } from '../trace-event.js';
import { channelEpochs } from './fifo-check.js';
import type { Finding } from './finding.js';
import { messageFaultOf, outageOf } from './message-faults.js';
import type { TraceIndex } from './trace-index.js';

export type DeliveryOutcome =
  | 'delivered'
  | 'dead-lettered'
  /** It reached its recipient after the recipient stopped running (a `late` event). */
  | 'late'
  | 'dropped'
  | 'send-failed'
  | 'untraced'
  | 'in-flight'
  | 'lost';

/** What became of one logical message (all attempts) for one recipient. */
export interface MessageDelivery {
  msgId: string;
  from: string;
  /** The recipient actor (a member, for a broadcast). */
  to: string;
  /** The topic (`#name`) for a broadcast. */
  topic?: string;
  type: string;
  mode: DeliveryMode;
  /** Send events of every attempt. */
  sends: number[];
  /** Receives at the recipient (first copies and duplicates). */
  recvs: number[];
  outcome: DeliveryOutcome;
  /** Events that decided the outcome: the reject, the fault, the overtaking receive. */
  evidence: number[];
}

export interface DeliveryCheckOptions {
  /**
   * An at-most-once message is judged lost, rather than in flight when the trace ended, once
   * its recipient went on recording events this long (wall clock) after the last attempt.
   * Default 10000. At-least-once messages are never judged by time: JetStream holds them
   * while the recipient works through earlier ones.
   */
  lostAfterMs?: number;
  /** Also report messages in flight at the end as warnings. Default false. */
  reportInFlight?: boolean;
}

export interface DeliveryReport {
  messages: MessageDelivery[];
  findings: Finding[];
  counts: Record<DeliveryOutcome, number> & { retries: number };
}

interface Outage {
  start: number;
  from: number;
  until: number;
}

/** What the trace says of every channel before any message is judged. */
interface ChannelScan {
  index: TraceIndex;
  epochs: Map<number, number>;
  /** Highest chanSeq each receiver got on each channel, and the receive that carried it. */
  reached: Map<string, { seq: number; recv: number }>;
  /** The last wall time each actor recorded an event at. */
  lastWall: Map<string, number>;
  outages: Outage[];
}

const channelKey = (send: SendTrace, receiver: string, epoch: number) =>
  [send.actor, send.to, receiver, send.mode, epoch].join('\u0000');

function scanChannels(index: TraceIndex): ChannelScan {
  const { events } = index;
  const epochs = channelEpochs(index);
  const reached = new Map<string, { seq: number; recv: number }>();
  const lastWall = new Map<string, number>();
  const outages: Outage[] = [];
  const open: number[] = [];
  for (let i = 0; i < events.length; i++) {
    const e = events[i]!;
    lastWall.set(e.actor, Math.max(lastWall.get(e.actor) ?? -Infinity, e.wall));
    const outage = outageOf(e);
    if (outage === 'start') open.push(i);
    else if (outage === 'end' && open.length > 0) {
      const start = open.shift()!;
      outages.push({ start, from: events[start]!.wall, until: e.wall });
    }
    const s = index.sendOf[i]!;
    if (s < 0) continue;
    const send = index.send(s)!;
    const firstSend = index.sendsOf(send.msgId)[0]!;
    const key = channelKey(send, e.actor, epochs.get(firstSend) ?? 0);
    const top = reached.get(key);
    if (send.chanSeq === undefined) continue;
    if (!top || send.chanSeq > top.seq) reached.set(key, { seq: send.chanSeq, recv: i });
  }
  for (const start of open) outages.push({ start, from: events[start]!.wall, until: Infinity });
  return { index, epochs, reached, lastWall, outages };
}

/** One logical message: its first send, every attempt, and what the trace relates to it. */
interface SentMessage {
  first: SendTrace;
  /** Event number of the first send. */
  at: number;
  sends: number[];
  mode: DeliveryMode;
  related: readonly number[];
  epoch: number;
}

/** Who a message was for: its recipient, or the members a broadcast evidently reached. */
function recipientsOf(scan: ChannelScan, m: SentMessage): string[] {
  const { index } = scan;
  const { events } = index;
  const { first } = m;
  if (!first.to.startsWith('#')) return [first.to];
  const members = new Set<string>();
  for (const r of index.recvsOf(first.msgId)) members.add(events[r]!.actor);
  // A member that was not running got its copy late (older traces: rejected it).
  for (const r of m.related) {
    const e = events[r]!;
    if ((e.kind === 'reject' || e.kind === 'late') && !e.actor.startsWith('@')) {
      members.add(e.actor);
    }
  }
  for (const actor of index.actors) {
    if (actor === first.actor || members.has(actor)) continue;
    const top = scan.reached.get(channelKey(first, actor, m.epoch));
    if (top && first.chanSeq !== undefined && top.seq > first.chanSeq) members.add(actor);
  }
  return [...members];
}

/** The outcome of one message for one recipient, and the events that decided it. */
function judge(
  scan: ChannelScan,
  m: SentMessage,
  to: string,
  recvs: readonly number[],
  lostAfterMs: number,
): { outcome: DeliveryOutcome; evidence: number[] } {
  const { index } = scan;
  const { events } = index;
  const { first } = m;
  const related = (ok: (e: (typeof events)[number]) => boolean) =>
    m.related.filter((r) => ok(events[r]!));
  const rejects = related(
    (e) => e.kind === 'reject' && (e.actor === to || e.actor.startsWith('@')),
  );
  const lates = related((e) => e.kind === 'late' && e.actor === to);
  const drops = related((e) => {
    const f = messageFaultOf(e);
    if (!f || f.action !== 'drop') return false;
    return f.side === 'send' ? e.actor === first.actor : e.actor === to;
  });
  const failed = related(
    (e) => e.kind === 'mark' && e.name === 'send.failed' && e.actor === first.actor,
  );
  const top = scan.reached.get(channelKey(first, to, m.epoch));
  const last = events[m.sends[m.sends.length - 1]!]!;
  const heldUntil = heldUntilOf(scan, m, to);
  if (recvs.length > 0) return { outcome: 'delivered', evidence: [] };
  if (rejects.length > 0) return { outcome: 'dead-lettered', evidence: rejects };
  if (lates.length > 0) return { outcome: 'late', evidence: lates };
  if (failed.length > 0) return { outcome: 'send-failed', evidence: failed };
  if (drops.length > 0) return { outcome: 'dropped', evidence: drops };
  if (!index.isTraced(to)) return { outcome: 'untraced', evidence: [] };
  if (top && first.chanSeq !== undefined && top.seq > first.chanSeq) {
    // A message held back by a fault goes out after the ones sent while it was held: being
    // overtaken by one of those is what the fault asked for, not a sign of loss.
    const overtaker = events[index.sendsOf(index.send(index.sendOf[top.recv]!)!.msgId)[0]!]!;
    if (overtaker.wall > heldUntil) return { outcome: 'lost', evidence: [top.recv] };
  }
  const lostAfter = Math.max(last.wall, heldUntil) + lostAfterMs;
  if (m.mode === 'at-most-once' && (scan.lastWall.get(to) ?? -Infinity) > lostAfter) {
    return { outcome: 'lost', evidence: [index.lanes[index.actorNumber(to)!]!.at(-1)!] };
  }
  return { outcome: 'in-flight', evidence: [] };
}

/**
 * The latest wall time an injected delay (a reorder, a delay, a partition holding an
 * at-least-once message) could have held this message until, on the sender's side or at this
 * recipient; -Infinity when none held it. Its release is not traced, only its longest wait.
 */
function heldUntilOf(scan: ChannelScan, m: SentMessage, to: string): number {
  const { events } = scan.index;
  let until = -Infinity;
  for (const r of m.related) {
    const e = events[r]!;
    const f = messageFaultOf(e);
    if (e.kind !== 'fault' || f?.action !== 'delay') continue;
    if (e.actor !== (f.side === 'send' ? m.first.actor : to)) continue;
    const ms = e['ms'];
    until = Math.max(until, e.wall + (typeof ms === 'number' ? ms : Infinity));
  }
  return until;
}

function sentMessage(scan: ChannelScan, at: number, first: SendTrace): SentMessage {
  const { index } = scan;
  const sends = [...index.sendsOf(first.msgId)];
  const mode: DeliveryMode = sends.some((s) => index.send(s)!.mode === 'at-least-once')
    ? 'at-least-once'
    : 'at-most-once';
  const related = index.eventsWithMsg(first.msgId);
  return { first, at, sends, mode, related, epoch: scan.epochs.get(at) ?? 0 };
}

/**
 * Delivery: every logical message sent to an actor is received by it, or accounted for by
 * a reject (dead letter), an injected drop, or a failed durable publish (`send.failed`).
 * Otherwise it is lost when there is evidence it should have arrived (the recipient received
 * a later message on the same channel, or, at-most-once, kept running `lostAfterMs` past
 * it) and in flight when the trace ended if not. Broadcast members are known only by what
 * they received, so a broadcast is judged per member that received a later one from the
 * same sender on the topic.
 */
export function analyzeDelivery(
  index: TraceIndex,
  options: DeliveryCheckOptions = {},
): DeliveryReport {
  const lostAfterMs = options.lostAfterMs ?? 10_000;
  const { events } = index;
  const scan = scanChannels(index);
  const messages: MessageDelivery[] = [];
  const findings: Finding[] = [];
  const counts = {
    delivered: 0,
    'dead-lettered': 0,
    late: 0,
    dropped: 0,
    'send-failed': 0,
    untraced: 0,
    'in-flight': 0,
    lost: 0,
    retries: 0,
  };
  const seen = new Set<string>();
  for (let i = 0; i < events.length; i++) {
    const first = index.send(i);
    if (!first || seen.has(first.msgId)) continue;
    seen.add(first.msgId);
    const m = sentMessage(scan, i, first);
    counts.retries += m.sends.length - 1;
    for (const to of recipientsOf(scan, m)) {
      const recvs = index.recvsOf(first.msgId).filter((r) => events[r]!.actor === to);
      const delivery: MessageDelivery = {
        msgId: first.msgId,
        from: first.actor,
        to,
        ...(first.to.startsWith('#') ? { topic: first.to } : {}),
        type: first.type,
        mode: m.mode,
        sends: m.sends,
        recvs,
        ...judge(scan, m, to, recvs, lostAfterMs),
      };
      counts[delivery.outcome]++;
      messages.push(delivery);
      if (delivery.outcome === 'lost') findings.push(lostFinding(index, delivery, scan.outages));
      else if (delivery.outcome === 'in-flight' && options.reportInFlight) {
        findings.push(inFlightFinding(index, delivery));
      }
    }
  }
  return { messages, findings, counts };
}

function inFlightFinding(index: TraceIndex, delivery: MessageDelivery): Finding {
  return {
    checker: 'delivery',
    severity: 'warning',
    verdict: `${describe(delivery)} was still in flight when the trace ended`,
    events: delivery.sends.map((s) => index.ref(s)),
    noChain: `no receive of ${delivery.msgId} at ${delivery.to}`,
    details: { ...summary(delivery), outcome: 'in-flight' },
  };
}

/** The delivery checker's findings alone. */
export function checkDelivery(index: TraceIndex, options: DeliveryCheckOptions = {}): Finding[] {
  return analyzeDelivery(index, options).findings;
}

function describe(d: MessageDelivery): string {
  const via = d.topic ? ` (broadcast on ${d.topic})` : '';
  return `${d.type} ${d.msgId} from ${d.from} to ${d.to}${via}`;
}

function summary(d: MessageDelivery): Record<string, unknown> {
  return {
    msgId: d.msgId,
    from: d.from,
    to: d.to,
    ...(d.topic ? { topic: d.topic } : {}),
    type: d.type,
    mode: d.mode,
    attempts: d.sends.length,
  };
}

function lostFinding(index: TraceIndex, d: MessageDelivery, outages: Outage[]): Finding {
  const lastSend = d.sends[d.sends.length - 1]!;
  const sendWall = index.events[lastSend]!.wall;
  const outage = outages.find((o) => o.from <= sendWall && sendWall <= o.until);
  const evidence = d.evidence[0]!;
  const overtaken = index.events[evidence]!.kind === 'recv' && index.sendOf[evidence]! >= 0;
  const attempts = d.sends.length > 1 ? ` in ${d.sends.length} attempts` : '';
  const why = overtaken
    ? `; ${d.to} received a later message on the same channel`
    : `; ${d.to} kept running past it`;
  const during = outage
    ? `, during an outage (${String((index.events[outage.start] as { fault: string }).fault)})`
    : '';
  const chain = overtaken
    ? [d.sends[0]!, index.sendOf[evidence]!, evidence].map((i) => index.ref(i))
    : undefined;
  return {
    checker: 'delivery',
    severity: d.mode === 'at-least-once' && !outage ? 'error' : 'warning',
    verdict: `${describe(d)} (${d.mode}) was sent${attempts} and never received, rejected or dropped by a fault${why}${during}`,
    events: [...d.sends, evidence, ...(outage ? [outage.start] : [])].map((i) => index.ref(i)),
    ...(chain ? { chain } : {}),
    noChain: `no receive of ${d.msgId} at ${d.to}, and no reject or injected drop accounts for it`,
    details: { ...summary(d), outcome: 'lost', overtaken },
  };
}
