// Fault injection for teams: the fault file, triggers, agent / model / broker faults, and
// the controller that runs them (live faults too).
export {
  AGENT_FAULT_KINDS,
  BROKER_FAULT_KINDS,
  FAULT_KINDS,
  MODEL_FAULT_KINDS,
  parseFaultEntry,
  parseFaultPlan,
  type AgentFaultKind,
  type AgentFaultSpec,
  type BrokerFaultKind,
  type BrokerFaultSpec,
  type FaultHeal,
  type FaultKind,
  type FaultLayer,
  type FaultPlan,
  type FaultTrigger,
  type ModelFaultKind,
  type ModelFaultSpec,
  type PlanContext,
  type PlannedFault,
} from './fault-plan.js';
export { loadFaultFile, parseFaultFileText } from './fault-file.js';
export { teamRoster, type TeamRoster, type TeamRosterOptions } from './team-roster.js';
export { armTrigger, type TriggerContext } from './fault-triggers.js';
export { createBrokerFaults, type BrokerFaults } from './broker-faults.js';
export { ModelFaults } from './model-faults.js';
export {
  createFaultController,
  type ControlledFault,
  type ControlledFaultState,
  type FaultController,
  type FaultControllerOptions,
} from './fault-controller.js';
