// Trace checkers: Lamport rules, per-channel FIFO, lost and duplicate messages, and exact
// happens-before from vector clocks derived from the trace.
export { sortFindings, type EventRef, type Finding, type FindingSeverity } from './finding.js';
export { createTraceIndex, type TraceIndex } from './trace-index.js';
export {
  deriveVectorClocks,
  type VectorClocks,
  type VectorClocksOptions,
} from './vector-clocks.js';
export {
  messageFaultOf,
  outageOf,
  type MessageFault,
  type MessageFaultAction,
} from './message-faults.js';
export { checkLamport, type LamportCheckOptions } from './lamport-check.js';
export { channelEpochs, checkFifo } from './fifo-check.js';
export {
  analyzeDelivery,
  checkDelivery,
  type DeliveryCheckOptions,
  type DeliveryOutcome,
  type DeliveryReport,
  type MessageDelivery,
} from './delivery-check.js';
export { checkDuplicates } from './duplicate-check.js';
export {
  runRuntimeCheckers,
  type RuntimeCheckOptions,
  type RuntimeCheckResult,
} from './run-runtime-checkers.js';
export {
  createTraceBuilder,
  type BuiltMessage,
  type RecvSpec,
  type SendSpec,
  type TraceBuilder,
  type TraceBuilderOptions,
} from './trace-builder.js';
