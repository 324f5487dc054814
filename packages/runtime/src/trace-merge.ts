import type { TraceEvent } from './trace-event.js';

/** Part of a team's trace: one host's events (a per-node file, or its part of the stream). */
export interface TracePart {
  events: readonly TraceEvent[];
  /** The process that recorded them, when known (the trace stream's publisher id). Parts of
   *  one host are the same recording; parts of different hosts that share a node name are
   *  different processes (a node restarted elsewhere under the same name). */
  host?: string;
}

const eventKey = (e: TraceEvent) =>
  `${e.node}\u0000${e.actor}\u0000${e.seq}\u0000${e.lamport}\u0000${e.kind}\u0000${e.wall}`;

/**
 * Merges parts of one team's trace into one: every event once, each lane (an actor on a
 * node) in its program order, lanes interleaved by wall time.
 *
 * - Every event once: the same event read twice (the director's own file and its part of the
 *   stream, or a file given twice) is kept once.
 * - Lanes never collide: when two different hosts used the same node name, the later one's
 *   events get the node `<node>#2` (`#3`, ...), so a member restored on another process
 *   under the same name has its own lane (the checkers key lanes by actor and node).
 * - Order: a lane's events keep the order they were recorded in; lanes are interleaved by
 *   `wall` (the order only a reader sees: the checkers use program order and messages).
 */
export function mergeTraces(parts: readonly TracePart[]): TraceEvent[] {
  const hostsOfNode = new Map<string, string[]>();
  const seen = new Set<string>();
  const out: { e: TraceEvent; key: number; i: number }[] = [];
  const laneKey = new Map<string, number>();
  for (const part of parts) {
    for (const original of part.events) {
      let e = original;
      if (part.host !== undefined) {
        let hosts = hostsOfNode.get(e.node);
        if (!hosts) hostsOfNode.set(e.node, (hosts = []));
        let k = hosts.indexOf(part.host);
        if (k < 0) k = hosts.push(part.host) - 1;
        if (k > 0) e = { ...e, node: `${e.node}#${k + 1}` };
      }
      const id = eventKey(e);
      if (seen.has(id)) continue;
      seen.add(id);
      // A lane's sort key never decreases, so sorting by it keeps each lane's own order.
      const lane = `${e.actor}\u0000${e.node}`;
      const key = Math.max(e.wall, laneKey.get(lane) ?? -Infinity);
      laneKey.set(lane, key);
      out.push({ e, key, i: out.length });
    }
  }
  out.sort((a, b) => a.key - b.key || a.i - b.i);
  return out.map((x) => x.e);
}
