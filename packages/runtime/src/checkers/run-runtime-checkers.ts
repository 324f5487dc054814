import type { TraceEvent } from '../trace-event.js';
import {
  analyzeDelivery,
  type DeliveryCheckOptions,
  type DeliveryReport,
} from './delivery-check.js';
import { checkDuplicates } from './duplicate-check.js';
import { checkFifo } from './fifo-check.js';
import { sortFindings, type Finding } from './finding.js';
import { checkLamport, type LamportCheckOptions } from './lamport-check.js';
import { createTraceIndex, type TraceIndex } from './trace-index.js';
import { deriveVectorClocks, type VectorClocks } from './vector-clocks.js';

export interface RuntimeCheckOptions {
  lamport?: LamportCheckOptions;
  delivery?: DeliveryCheckOptions;
}

export interface RuntimeCheckResult {
  index: TraceIndex;
  /** Happens-before from program order and messages alone. */
  clocks: VectorClocks;
  delivery: DeliveryReport;
  /** Every runtime checker's findings, errors first. */
  findings: Finding[];
}

/**
 * Runs the runtime-level checkers (they know nothing of tasks or models): Lamport rules,
 * per-channel FIFO, delivery, duplicate processing; and derives the vector clocks. A trace
 * whose causality had to be cut (a cycle of receives, which only corruption produces) gets
 * a finding too.
 */
export function runRuntimeCheckers(
  events: readonly TraceEvent[] | TraceIndex,
  options: RuntimeCheckOptions = {},
): RuntimeCheckResult {
  const index = 'lanes' in events ? events : createTraceIndex(events);
  const clocks = deriveVectorClocks(index);
  const delivery = analyzeDelivery(index, options.delivery);
  const findings = [
    ...checkLamport(index, options.lamport),
    ...checkFifo(index),
    ...delivery.findings,
    ...checkDuplicates(index),
  ];
  for (const [cause, effect] of clocks.brokenEdges) {
    findings.push({
      checker: 'causality',
      severity: 'error',
      verdict: `${index.ref(effect).actor} at seq ${index.ref(effect).seq} would be its own cause: the trace's receives form a cycle`,
      events: [index.ref(cause), index.ref(effect)],
      noChain: 'the edge was ignored to derive the vector clocks',
      details: { rule: 'acyclic' },
    });
  }
  return { index, clocks, delivery, findings: sortFindings(findings) };
}
