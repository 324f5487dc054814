/** An event named by its actor and per-actor `seq` (the trace's own coordinates). */
export interface EventRef {
  actor: string;
  seq: number;
}

export type FindingSeverity = 'error' | 'warning';

/**
 * One anomaly a checker found, explained the way Elle explains one: the events involved,
 * the causal chain that relates them (or, when the point is that there is none, why), and a
 * one-line verdict. `details` carries the checker's machine-readable specifics.
 */
export interface Finding {
  /** The checker's name (`lamport`, `fifo`, `delivery`, `duplicate`, ...). */
  checker: string;
  severity: FindingSeverity;
  /** One line, readable on its own. */
  verdict: string;
  /** The events the finding is about, in causal (or trace) order. */
  events: EventRef[];
  /** A happens-before path between the finding's events: each step is program order on one
   *  actor or a message from a send to its receive (or another derived causal edge). */
  chain?: EventRef[];
  /** Why there is no chain, when its absence is the anomaly (e.g. two concurrent writes). */
  noChain?: string;
  details: Record<string, unknown>;
}

/** Findings in a stable order: errors first, then by checker, then by first event. */
export function sortFindings(findings: Finding[]): Finding[] {
  const rank = (f: Finding) => (f.severity === 'error' ? 0 : 1);
  return findings.sort((a, b) => {
    if (rank(a) !== rank(b)) return rank(a) - rank(b);
    if (a.checker !== b.checker) return a.checker < b.checker ? -1 : 1;
    const ea = a.events[0];
    const eb = b.events[0];
    if (!ea || !eb) return (ea ? 1 : 0) - (eb ? 1 : 0);
    if (ea.actor !== eb.actor) return ea.actor < eb.actor ? -1 : 1;
    return ea.seq - eb.seq;
  });
}
