import type { RecvTrace, SendTrace } from '../trace-event.js';
import type { Finding } from './finding.js';
import { messageFaultOf, type MessageFault } from './message-faults.js';
import type { TraceIndex } from './trace-index.js';

/**
 * Incarnations of each (sender, destination) seq counter: a sender's first-attempt sends on
 * one channel carry increasing `chanSeq`; when it goes down, the sender restarted without its
 * counters and a new channel began. Returns, per send event index, its channel epoch.
 */
export function channelEpochs(index: TraceIndex): Map<number, number> {
  const epochs = new Map<number, number>();
  const last = new Map<string, { seq: number; epoch: number }>();
  for (const lane of index.lanes) {
    for (const i of lane) {
      const send = index.send(i);
      if (!send || send.attempt !== 1 || send.chanSeq === undefined) continue;
      const key = `${send.actor}\u0000${send.to}`;
      const prev = last.get(key);
      const epoch = prev === undefined ? 0 : send.chanSeq <= prev.seq ? prev.epoch + 1 : prev.epoch;
      last.set(key, { seq: send.chanSeq, epoch });
      epochs.set(i, epoch);
    }
  }
  return epochs;
}

/**
 * Per-channel FIFO. The rule, and why a correct run passes it:
 *
 * A channel is (sender, destination as sent, receiver, delivery mode, sender incarnation): a
 * broadcast gives each receiving member its own channel; at-most-once (core NATS) and
 * at-least-once (JetStream) are separate paths with no order between them; and a sender that
 * restarted without its counters starts a new channel. On a channel, consider only the
 * receives that are first transmissions (attempt 1), processed (not `dup`, and the first
 * processing of their msgId), and not JetStream redeliveries. Their `chanSeq` must increase in the receiver's program order.
 *
 * Retries and redeliveries are left out because they are retransmissions of a message whose
 * first transmission was lost or not acknowledged: the runtime has no resequencing buffer, so
 * FIFO is promised only for first transmissions, which NATS keeps in order per publisher and
 * subject. Duplicates are left out because the receiver never saw them. Gaps in `chanSeq` are
 * fine (a channel may lose at-most-once messages; the delivery checker judges those).
 *
 * A violation is a warning when an injected fault delayed or duplicated the late message, or
 * lost its at-least-once publish (retried: a delay), so the reordering was asked for; an error
 * otherwise.
 */
export function checkFifo(index: TraceIndex): Finding[] {
  const findings: Finding[] = [];
  const epochs = channelEpochs(index);
  for (const lane of index.lanes) {
    const highest = new Map<string, { seq: number; recv: number }>();
    const processed = new Set<string>();
    for (const r of lane) {
      const recv = index.recv(r);
      if (!recv || recv.dup || processed.has(recv.msgId)) continue;
      // A second processing is the duplicate checker's business, not a reordering.
      processed.add(recv.msgId);
      const s = index.sendOf[r]!;
      if (s < 0) continue;
      const send = index.send(s)!;
      // Without a channel sequence (optional in the contract) there is no order to check.
      if (recv.redelivered || (recv.attempt ?? send.attempt) !== 1) continue;
      if (recv.chanSeq === undefined) continue;
      const key = [send.actor, send.to, recv.actor, send.mode, epochs.get(s) ?? 0].join('\u0000');
      const top = highest.get(key);
      if (top === undefined || recv.chanSeq > top.seq) {
        highest.set(key, { seq: recv.chanSeq, recv: r });
        continue;
      }
      if (recv.chanSeq === top.seq) continue;
      findings.push(explain(index, s, r, top.recv));
    }
  }
  return findings;
}

function explain(index: TraceIndex, lateSend: number, lateRecv: number, overRecv: number): Finding {
  const late = index.recv(lateRecv)!;
  const over = index.recv(overRecv)!;
  const overSend = index.sendOf[overRecv]!;
  const send = index.send(lateSend)!;
  // A drop holds a message back only where it is retried: a lost at-least-once publish.
  const lostPublish = (f: MessageFault) => f.side === 'send' && send.mode === 'at-least-once';
  const faults = index.eventsWithMsg(late.msgId).filter((i) => {
    const f = messageFaultOf(index.events[i]!);
    return f !== undefined && (f.action !== 'drop' || lostPublish(f));
  });
  const via = send.to.startsWith('#') ? ` via ${send.to}` : '';
  const first = faults.length > 0 ? messageFaultOf(index.events[faults[0]!]!) : undefined;
  const because = first
    ? `; an injected ${String((index.events[faults[0]!] as { fault: string }).fault)} fault held it back` +
      (first.action === 'drop' ? ' (a lost publish, retried)' : '')
    : '';
  const chain = [
    index.ref(lateSend),
    index.ref(overSend),
    index.ref(overRecv),
    index.ref(lateRecv),
  ];
  return {
    checker: 'fifo',
    severity: faults.length > 0 ? 'warning' : 'error',
    verdict: `${late.actor} processed ${describe(late)} from ${late.from}${via} after ${describe(over)}, which was sent later on the same ${late.mode} channel${because}`,
    events: chain,
    chain,
    details: {
      channel: { from: send.actor, to: send.to, receiver: late.actor, mode: late.mode },
      late: { msgId: late.msgId, chanSeq: late.chanSeq, type: late.type },
      overtaker: { msgId: over.msgId, chanSeq: over.chanSeq, type: over.type },
      faults: faults.map((i) => index.ref(i)),
    },
  };
}

function describe(m: RecvTrace | SendTrace): string {
  return `${m.type} ${m.msgId} (seq ${m.chanSeq})`;
}
