// Message-level fault injection: seeded faults as a MessageInterceptor, and the live protocol.
export {
  durationSchema,
  FaultSpecError,
  formatIssues,
  MAX_TIMER_MS,
  MESSAGE_FAULT_KINDS,
  parseDurationMs,
  parseMessageFault,
  type DelayDistribution,
  type MessageFaultCommon,
  type MessageFaultKind,
  type MessageFaultSpec,
  type MessageSelector,
  type NamePattern,
  type PartitionShape,
} from './fault-spec.js';
export {
  createFaultInjector,
  type AddFaultOptions,
  type FaultEventPayload,
  type FaultInjector,
  type FaultInjectorOptions,
  type FaultState,
  type InjectedFault,
} from './fault-injector.js';
export { layoutPartition, type PartitionLayout } from './partition-shapes.js';
export { sampleDelay } from './delay-distribution.js';
export { isGlob, nameMatcher } from './selector.js';
export {
  decodeFaultControl,
  FAULT_CONTROL_OPS,
  faultControlSubject,
  sendFaultControl,
  serveFaultControl,
  serveFaultControlWith,
  type FaultControlHandler,
  type FaultControlOp,
  type FaultControlReply,
  type FaultControlRequest,
  type FaultControlServer,
} from './fault-control.js';
export { createSkewedClock, type SkewedClock } from './skewed-clock.js';
