import type { Finding } from './finding.js';
import type { TraceIndex } from './trace-index.js';

export interface LamportCheckOptions {
  /** Stop reporting one rule for one actor after this many findings. Default 20. */
  maxPerActor?: number;
}

/**
 * The Lamport and trace rules of the contract:
 * - each actor's `seq` and `lamport` strictly increase along its events;
 * - a receive's `lamport` exceeds the envelope's (`msgLamport`);
 * - a receive matches a send of the same msgId and attempt by its `from` actor, whose Lamport
 *   time is the envelope's and whose type is the same (unless the sender is not in the trace).
 * Together these give the clock condition: a -> b implies lamport(a) < lamport(b).
 */
export function checkLamport(index: TraceIndex, options: LamportCheckOptions = {}): Finding[] {
  const maxPerActor = options.maxPerActor ?? 20;
  const findings: Finding[] = [];
  const counts = new Map<string, number>();
  const report: Report = (key, finding) => {
    const c = (counts.get(key) ?? 0) + 1;
    counts.set(key, c);
    if (c <= maxPerActor) findings.push(finding);
  };
  checkLanes(index, report);
  checkReceives(index, report);
  return findings;
}

/** Records a finding under a rule-and-actor key (capped per key). */
type Report = (key: string, finding: Finding) => void;

/** Each actor's `seq` and `lamport` strictly increase along its lane. */
function checkLanes(index: TraceIndex, report: Report): void {
  const { events } = index;
  for (let a = 0; a < index.lanes.length; a++) {
    const lane = index.lanes[a]!;
    const actor = index.actors[a]!;
    for (let k = 1; k < lane.length; k++) {
      const prev = events[lane[k - 1]!]!;
      const cur = events[lane[k]!]!;
      const refs = [index.ref(lane[k - 1]!), index.ref(lane[k]!)];
      if (cur.seq <= prev.seq) {
        const restarted = cur.seq === 0 ? ' (its trace lane restarted at 0)' : '';
        report(`seq:${actor}`, {
          checker: 'lamport',
          severity: 'error',
          verdict: `${actor}'s seq does not increase: ${prev.seq} then ${cur.seq}${restarted}`,
          events: refs,
          chain: refs,
          details: { rule: 'seq-increasing', actor, previous: prev.seq, seq: cur.seq },
        });
      }
      if (cur.lamport <= prev.lamport) {
        report(`lamport:${actor}`, {
          checker: 'lamport',
          severity: 'error',
          verdict: `${actor}'s Lamport time does not increase: ${prev.lamport} at seq ${prev.seq}, then ${cur.lamport} at seq ${cur.seq}`,
          events: refs,
          chain: refs,
          details: {
            rule: 'lamport-increasing',
            actor,
            previous: prev.lamport,
            lamport: cur.lamport,
          },
        });
      }
    }
  }
}

/** Each receive comes after its envelope's Lamport time and matches a send of it. */
function checkReceives(index: TraceIndex, report: Report): void {
  const { events } = index;
  for (let i = 0; i < events.length; i++) {
    const recv = index.recv(i);
    if (!recv) continue;
    const here = index.ref(i);
    if (recv.lamport <= recv.msgLamport) {
      report(`recv-lamport:${recv.actor}`, {
        checker: 'lamport',
        severity: 'error',
        verdict: `${recv.actor} received ${recv.msgId} at Lamport ${recv.lamport}, not after the envelope's ${recv.msgLamport}`,
        events: [here],
        details: {
          rule: 'recv-after-envelope',
          msgId: recv.msgId,
          lamport: recv.lamport,
          msgLamport: recv.msgLamport,
        },
      });
    }
    const s = index.sendOf[i]!;
    if (s < 0) {
      if (!index.isTraced(recv.from)) continue;
      report(`unmatched:${recv.actor}`, {
        checker: 'lamport',
        severity: 'error',
        verdict: `${recv.actor} received ${recv.msgId} (attempt ${recv.attempt}) from ${recv.from}, which never sent it`,
        events: [here],
        noChain: `no send of ${recv.msgId} attempt ${recv.attempt} by ${recv.from} is in the trace`,
        details: {
          rule: 'recv-has-send',
          msgId: recv.msgId,
          attempt: recv.attempt,
          from: recv.from,
        },
      });
      continue;
    }
    const send = index.send(s)!;
    const problems: string[] = [];
    if (send.lamport !== recv.msgLamport) {
      problems.push(`the envelope says Lamport ${recv.msgLamport}, the send ${send.lamport}`);
    }
    if (send.type !== recv.type) problems.push(`type ${send.type} was sent, ${recv.type} received`);
    if (problems.length > 0) {
      report(`mismatch:${recv.actor}`, {
        checker: 'lamport',
        severity: 'error',
        verdict: `${recv.actor}'s receive of ${recv.msgId} disagrees with its send: ${problems.join('; ')}`,
        events: [index.ref(s), here],
        chain: [index.ref(s), here],
        details: { rule: 'recv-matches-send', msgId: recv.msgId, problems },
      });
    }
  }
}
