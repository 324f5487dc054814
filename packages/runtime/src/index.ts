/**
 * @llm-teams/runtime: actors on NATS. The envelope and its codec, Lamport clocks, the actor
 * host that runs xstate v5 machines bound to NATS subjects (tell / ask / broadcast, delivery
 * modes, dedup, supervision, checkpoints), and the trace recorder. Knows nothing of LLMs.
 */
export { RuntimeError, type RuntimeErrorCode } from './errors.js';
export {
  ENVELOPE_VERSION,
  RESERVED_EVENT_TYPES,
  ENVELOPE_KEYS,
  createEnvelope,
  createEnvelopeValidator,
  validateEnvelope,
  isTopicTarget,
  messageTypeProblem,
  type Envelope,
  type EnvelopeValidator,
  type MessageEvent,
} from './envelope.js';
export {
  decodeEnvelope,
  decodeFrame,
  decodeValue,
  encodeBatch,
  encodeEnvelope,
  encodeValue,
} from './codec.js';
export { LamportClock, compareLamport, type LamportStamp } from './lamport-clock.js';
export { createRandom, randomSeed, type Random } from './random.js';
export {
  delay,
  every,
  systemClock,
  type Clock,
  type Repeating,
  type TimerHandle,
} from './clock.js';
export { createIdGenerator, type IdGenerator, type IdGeneratorOptions } from './ids.js';
export {
  compileRetryPolicy,
  DEFAULT_RETRY_POLICY,
  nextRetryDelay,
  withRetry,
  type CompiledRetryPolicy,
  type RetryLoopOptions,
  type RetryPolicy,
} from './retry-policy.js';
export { DedupWindow } from './dedup-window.js';
export {
  createDeliveryPolicy,
  type DeliveryPolicy,
  type DeliveryPolicyOptions,
} from './delivery-policy.js';
export type * from './trace-event.js';
export {
  parseTraceLine,
  traceEventSchema,
  traceJsonSchema,
  TraceFormatError,
} from './trace-schema.js';
export {
  createMemoryTrace,
  createTraceRecorder,
  parseTrace,
  type TraceRecorder,
  type TraceRecorderOptions,
} from './trace-recorder.js';
export {
  createTraceStreamPublisher,
  TRACE_HOST_HEADER,
  TRACE_NODE_HEADER,
  TRACE_PART_HEADER,
  type TraceStreamPart,
  type TraceStreamPublisher,
  type TraceStreamPublisherOptions,
  type TraceStreamStats,
} from './trace-stream.js';
export {
  followTraceStream,
  readTraceStream,
  type FollowTraceStreamOptions,
  type ReadTraceStreamOptions,
  type TraceStreamFollower,
  type TraceStreamHost,
} from './trace-stream-read.js';
export { mergeTraces, type TracePart } from './trace-merge.js';
export {
  compileAskOptions,
  type AskFailedEvent,
  type AskOptions,
  type AskResult,
  type CompiledAskOptions,
  type SendFailedEvent,
} from './ask.js';
export type { AckLoss, InterceptDecision, MessageInterceptor } from './message-interceptor.js';
export {
  compileSupervisionPolicy,
  decideRestart,
  type CompiledSupervisionPolicy,
  type RetryDelays,
  type SupervisionDecision,
  type SupervisionPolicy,
} from './supervisor.js';
export {
  createKvSnapshotStore,
  type ActorCheckpoint,
  type SnapshotStore,
} from './snapshot-store.js';
export type { SpawnOptions } from './spawn-options.js';
export type { HostStats } from './host-core.js';
export {
  ask,
  broadcast,
  reply,
  runtimeOf,
  tell,
  type ActionArgsLike,
  type ActorRuntime,
  type BodyResolvable,
  type Resolvable,
} from './actor-runtime.js';
export {
  createActorSigningKeys,
  createEnvelopeSigner,
  SIGNATURE_HEADER,
  SIGNING_KEY_HEADER,
  type EnvelopeSigner,
  type EnvelopeSigningOptions,
} from './envelope-signing.js';
export {
  createRedactor,
  formatError,
  MIN_SECRET_LENGTH,
  redact,
  REDACTED,
  registerSecret,
  registeredSecrets,
  secretsFromEnv,
  type Redactor,
} from './redaction.js';
export {
  createRuntimeTelemetry,
  registerRuntimeTelemetry,
  registeredRuntimeTelemetry,
  type RuntimeTelemetry,
  type RuntimeTelemetryOptions,
} from './telemetry.js';
export {
  createActorHost,
  type ActorHandle,
  type ActorHost,
  type ActorHostOptions,
} from './actor-host.js';
// Trace checkers: Lamport rules, FIFO, lost and duplicate messages, happens-before.
export {
  sortFindings,
  type EventRef,
  type Finding,
  type FindingSeverity,
} from './checkers/finding.js';
export { createTraceIndex, type TraceIndex } from './checkers/trace-index.js';
export {
  deriveVectorClocks,
  type VectorClocks,
  type VectorClocksOptions,
} from './checkers/vector-clocks.js';
export {
  messageFaultOf,
  outageOf,
  type MessageFault,
  type MessageFaultAction,
} from './checkers/message-faults.js';
export { checkLamport, type LamportCheckOptions } from './checkers/lamport-check.js';
export { channelEpochs, checkFifo } from './checkers/fifo-check.js';
export {
  analyzeDelivery,
  checkDelivery,
  type DeliveryCheckOptions,
  type DeliveryOutcome,
  type DeliveryReport,
  type MessageDelivery,
} from './checkers/delivery-check.js';
export { checkDuplicates } from './checkers/duplicate-check.js';
export {
  runRuntimeCheckers,
  type RuntimeCheckOptions,
  type RuntimeCheckResult,
} from './checkers/run-runtime-checkers.js';
export {
  createTraceBuilder,
  type BuiltMessage,
  type RecvSpec,
  type SendSpec,
  type TraceBuilder,
  type TraceBuilderOptions,
} from './checkers/trace-builder.js';
export {
  createHeartbeater,
  decodeHeartbeat,
  parseHeartbeat,
  type HeartbeatSource,
  type Heartbeat,
  type Heartbeater,
  type HeartbeaterOptions,
} from './heartbeat.js';
export {
  createFailureDetector,
  type FailureDetector,
  type FailureDetectorOptions,
  type SuspicionInfo,
} from './failure-detector.js';
// Controlled schedules (virtual time, held steps, strategies, the controller).
export {
  createVirtualClock,
  type VirtualClock,
  type VirtualClockOptions,
} from './schedule/virtual-clock.js';
export {
  ACTOR_FAULTS,
  defaultStep,
  type DecisionPoint,
  type DeliveryGate,
  type ScheduleChoice,
  type ScheduleStep,
  type ScheduleStrategy,
  type SharedStateGate,
  type SharedStateOp,
  type FaultAction,
  type StepAction,
} from './schedule/schedule-types.js';
export {
  createFifoStrategy,
  createGuidedStrategy,
  createPctStrategy,
  createRandomWalkStrategy,
  createReplayStrategy,
  type DeliveryFaultOptions,
  type DropFaultOptions,
  type PauseFaultOptions,
  type PctOptions,
  type RandomWalkOptions,
  type ScheduleDeviation,
} from './schedule/schedule-strategies.js';
export { parseStepId, stepsConflict, type StepInfo } from './schedule/step-conflicts.js';
export {
  createScheduleController,
  type ScheduleController,
  type ScheduleControllerOptions,
} from './schedule/schedule-controller.js';
export { createStepBatcher, type StepBatcher } from './schedule/step-batcher.js';
export { createScheduleDriver } from './schedule/schedule-driver.js';
export type {
  ScheduleDriver,
  ScheduleDriverOptions,
  ScheduleRunEnd,
} from './schedule/schedule-driver-types.js';
export {
  natsScheduleDecider,
  scheduleSubject,
  serveScheduleController,
  type NatsScheduleDeciderOptions,
} from './schedule/schedule-nats.js';
// Fault injection: seeded message faults (an interceptor) and the live control protocol.
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
} from './faults/fault-spec.js';
export {
  createFaultInjector,
  type AddFaultOptions,
  type FaultEventPayload,
  type FaultInjector,
  type FaultInjectorOptions,
  type FaultState,
  type InjectedFault,
} from './faults/fault-injector.js';
export { layoutPartition, type PartitionLayout } from './faults/partition-shapes.js';
export { sampleDelay } from './faults/delay-distribution.js';
export { isGlob, nameMatcher } from './faults/selector.js';
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
} from './faults/fault-control.js';
export { createSkewedClock, type SkewedClock } from './faults/skewed-clock.js';
