import type { Finding } from './finding.js';
import type { TraceIndex } from './trace-index.js';

/**
 * Effectively-once processing: an actor processes (receives without `dup`) each msgId at
 * most once. The one excused repeat is the at-least-once recovery path: the actor crashed
 * (`actor.crashed`), or was stopped and spawned again (`actor.respawned`) or restored from a
 * checkpoint (`actor.restored`), after the first processing and before the second, and the
 * second copy is a JetStream redelivery. The crash abandoned the first processing before its ack, so the
 * work is redone from the last checkpoint, as designed. Any other second processing (no crash
 * between, or a copy that is not a redelivery, e.g. a duplicate that outlived the dedup
 * window or a restart that lost it) is an error. An actor restored on another node (a lane of
 * its own) counts as crashed between its lanes.
 */
/** Marks after which an actor's in-memory dedup state may be gone. */
const INCARNATION_ENDS = new Set<string | undefined>([
  'actor.crashed',
  'actor.respawned',
  'actor.restored',
]);

export function checkDuplicates(index: TraceIndex): Finding[] {
  const findings: Finding[] = [];
  const { events } = index;
  const lanesOf = new Map<string, number[]>();
  index.laneActor.forEach((actor, a) => lanesOf.set(actor, [...(lanesOf.get(actor) ?? []), a]));
  for (const [actor, actorLanes] of lanesOf) {
    const processed = new Map<string, number>();
    let crashes = 0;
    const crashesAt = new Map<number, number>();
    const lane = actorLanes.flatMap((a, k) =>
      k === 0 ? index.lanes[a]! : [-1, ...index.lanes[a]!],
    );
    for (const i of lane) {
      if (i < 0) {
        crashes++;
        continue;
      }
      const e = events[i]!;
      if (e.kind === 'mark' && INCARNATION_ENDS.has(e.name)) {
        crashes++;
        continue;
      }
      if (e.kind !== 'recv' || e.dup) continue;
      const before = processed.get(e.msgId);
      processed.set(e.msgId, i);
      crashesAt.set(i, crashes);
      if (before === undefined) continue;
      const crashedBetween = crashes > crashesAt.get(before)!;
      if (crashedBetween && e.redelivered) continue;
      const refs = [before, i].map((k) => index.ref(k));
      const sends = [before, i]
        .map((k) => index.sendOf[k]!)
        .filter((s) => s >= 0)
        .map((s) => index.ref(s));
      const reason = crashedBetween
        ? 'the actor crashed in between, but the second copy was not a JetStream redelivery'
        : e.redelivered
          ? 'it was redelivered although the first processing was not abandoned by a crash'
          : 'no crash in between; deduplication should have dropped the second copy';
      findings.push({
        checker: 'duplicate',
        severity: 'error',
        verdict: `${actor} processed ${e.type} ${e.msgId} from ${e.from} twice (seq ${refs[0]!.seq} and ${refs[1]!.seq}): ${reason}`,
        events: [...sends, ...refs],
        chain: refs,
        details: {
          actor,
          msgId: e.msgId,
          type: e.type,
          from: e.from,
          attempts: [index.recv(before)!.attempt, e.attempt],
          redelivered: e.redelivered === true,
          crashedBetween,
        },
      });
    }
  }
  return findings;
}
