import {
  messageFaultOf,
  type DeliveryOutcome,
  type DeliveryReport,
  type TraceIndex,
} from '@llm-teams/runtime';
import { ARROW_STYLES } from './space-time-codes.js';

/** The space-time model's message marks (see SpaceTimeModel): flat triples. */
export interface MessageMarks {
  /** [send, recv-or-reject, style] per arrow. */
  arrows: number[];
  /** [send, target lane or -1, style] per undelivered transmission. */
  stubs: number[];
}

const STUB_OF: Partial<Record<DeliveryOutcome, number>> = {
  dropped: 0,
  lost: 1,
  'in-flight': 2,
  untraced: 4,
  'send-failed': 5,
};

const style = (name: (typeof ARROW_STYLES)[number]) => ARROW_STYLES.indexOf(name);

export function addMessages(
  model: MessageMarks,
  index: TraceIndex,
  delivery: DeliveryReport,
  laneOf: Map<string, number>,
): void {
  addReceivedArrows(model, index);
  const outcomes = new Map<string, DeliveryOutcome>();
  for (const d of delivery.messages) {
    if (d.topic) {
      // Broadcast members judged undelivered get a stub toward their lane.
      const st = STUB_OF[d.outcome];
      if (st !== undefined) model.stubs.push(d.sends[0]!, laneOf.get(d.to) ?? -1, st);
      else if (d.outcome === 'dead-lettered' || d.outcome === 'late')
        model.arrows.push(d.sends[0]!, d.evidence[0]!, style('dead-letter'));
      continue;
    }
    outcomes.set(d.msgId, d.outcome);
  }
  addUnreceivedSends(model, index, outcomes, laneOf);
}

/** An arrow per receive that matched a send, styled by how it got there. */
function addReceivedArrows(model: MessageMarks, index: TraceIndex): void {
  const { events } = index;
  const delayed = new Set<string>();
  for (const e of events) {
    const f = messageFaultOf(e);
    if (f && f.action === 'delay') delayed.add(`${f.msgId}\u0000${e.actor}`);
  }
  for (let r = 0; r < events.length; r++) {
    const recv = index.recv(r);
    const s = index.sendOf[r]!;
    if (!recv || s < 0) continue;
    const sender = events[s]!.actor;
    const st = recv.dup
      ? style('duplicate')
      : recv.redelivered
        ? style('redelivered')
        : delayed.has(`${recv.msgId}\u0000${recv.actor}`) ||
            delayed.has(`${recv.msgId}\u0000${sender}`)
          ? style('delayed')
          : (recv.attempt ?? index.send(s)?.attempt ?? 1) > 1
            ? style('retry')
            : style('message');
    model.arrows.push(s, r, st);
  }
}

/**
 * Direct transmissions that no receive matched, one by one, so that a dropped first attempt
 * shows even when its retry got through.
 */
function addUnreceivedSends(
  model: MessageMarks,
  index: TraceIndex,
  outcomes: Map<string, DeliveryOutcome>,
  laneOf: Map<string, number>,
): void {
  const { events } = index;
  const usedRejects = new Set<number>();
  const usedDrops = new Set<number>();
  for (let s = 0; s < events.length; s++) {
    const send = index.send(s);
    if (!send || send.to.startsWith('#') || index.recvsOfSend(s).length > 0) continue;
    const target = laneOf.get(send.to) ?? -1;
    const drop = dropOf(index, s, usedDrops);
    if (drop !== undefined) {
      usedDrops.add(drop);
      model.stubs.push(s, target, 0);
      continue;
    }
    // A dead letter, or a late arrival at an actor that had stopped: the message's end.
    const reject = index
      .eventsWithMsg(send.msgId)
      .find(
        (i) =>
          !usedRejects.has(i) &&
          (events[i]!.kind === 'reject' || events[i]!.kind === 'late') &&
          (events[i]!.actor === send.to || events[i]!.actor.startsWith('@')),
      );
    if (reject !== undefined) {
      usedRejects.add(reject);
      model.arrows.push(s, reject, style('dead-letter'));
      continue;
    }
    const outcome = outcomes.get(send.msgId);
    const st =
      outcome === 'delivered' || outcome === 'dead-lettered' || outcome === 'late'
        ? 3
        : STUB_OF[outcome ?? 'lost'];
    model.stubs.push(s, target, st ?? 1);
  }
}

/** The not yet used drop fault that lost the transmission `s`: on its sender between it and
 *  the sender's next transmission of the message, or on its receiver. */
function dropOf(index: TraceIndex, s: number, usedDrops: Set<number>): number | undefined {
  const { events } = index;
  const send = index.send(s)!;
  const nextSend = index.sendsOf(send.msgId).find((x) => x > s && events[x]!.actor === send.actor);
  return index.eventsWithMsg(send.msgId).find((i) => {
    if (usedDrops.has(i)) return false;
    const f = messageFaultOf(events[i]!);
    if (!f || f.action !== 'drop') return false;
    const e = events[i]!;
    if (f.side === 'send') {
      return e.actor === send.actor && i > s && (nextSend === undefined || i < nextSend);
    }
    return e.actor === send.to;
  });
}
