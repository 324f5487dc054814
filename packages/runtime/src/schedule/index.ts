// Controlled schedules: virtual time, held deliveries and shared-state operations, seeded
// strategies, and the controller that decides (locally or on NATS). docs/schedules.md.
export {
  createVirtualClock,
  type VirtualClock,
  type VirtualClockOptions,
} from './virtual-clock.js';
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
} from './schedule-types.js';
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
} from './schedule-strategies.js';
export { parseStepId, stepsConflict, type StepInfo } from './step-conflicts.js';
export {
  createScheduleController,
  type ScheduleController,
  type ScheduleControllerOptions,
} from './schedule-controller.js';
export { createStepBatcher, type StepBatcher } from './step-batcher.js';
export { createScheduleDriver } from './schedule-driver.js';
export type {
  ScheduleDriver,
  ScheduleDriverOptions,
  ScheduleRunEnd,
} from './schedule-driver-types.js';
export {
  natsScheduleDecider,
  scheduleSubject,
  serveScheduleController,
  type NatsScheduleDeciderOptions,
} from './schedule-nats.js';
