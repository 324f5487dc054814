/**
 * The fault vocabulary: every kind by layer, what each kind's spec holds, and a validated fault
 * plan. Parsing a fault file into these is fault-plan.ts; checking its names, fault-refs.ts.
 */
import type { ModelPurpose } from '@llm-teams/agents';
import type { MessageFaultKind, MessageFaultSpec, NamePattern } from '@llm-teams/runtime';
import { MESSAGE_FAULT_KINDS } from '@llm-teams/runtime';
import { CLOCK_FAULT_KINDS, type ClockFaultKind, type ClockFaultSpec } from './clock-faults.js';
import { WIRE_FAULT_KINDS, type WireFaultKind, type WireFaultSpec } from './wire-faults.js';

export const AGENT_FAULT_KINDS = ['crash', 'kill', 'restart', 'pause', 'slow'] as const;
export const MODEL_FAULT_KINDS = [
  'rate_limit',
  'server_error',
  'timeout',
  'malformed_tool_call',
  'truncated_tool_call',
  'wrong_answer',
  'latency',
] as const;
export const BROKER_FAULT_KINDS = ['server.kill', 'server.restart', 'server.pause'] as const;

export type AgentFaultKind = (typeof AGENT_FAULT_KINDS)[number];
export type ModelFaultKind = (typeof MODEL_FAULT_KINDS)[number];
export type BrokerFaultKind = (typeof BROKER_FAULT_KINDS)[number];
export type FaultKind =
  | MessageFaultKind
  | AgentFaultKind
  | ModelFaultKind
  | BrokerFaultKind
  | WireFaultKind
  | ClockFaultKind;
export type FaultLayer = 'message' | 'agent' | 'model' | 'broker' | 'wire' | 'clock';

export const FAULT_KINDS: readonly FaultKind[] = [
  ...MESSAGE_FAULT_KINDS,
  ...AGENT_FAULT_KINDS,
  ...MODEL_FAULT_KINDS,
  ...BROKER_FAULT_KINDS,
  ...WIRE_FAULT_KINDS,
  ...CLOCK_FAULT_KINDS,
];

export type AgentFaultSpec =
  | { kind: 'crash'; target: string; reason?: string }
  | { kind: 'kill' | 'restart' | 'pause'; target: string }
  | { kind: 'slow'; target: string; factor: number };

/** A model fault, per attempt of a model call, for any provider (`modelOptions.faults`). */
export interface ModelFaultSpec {
  kind: ModelFaultKind;
  /** Workers whose calls it hits (globs). Default: every worker. */
  agents?: NamePattern;
  /** Task ids whose calls it hits (globs). Default: any, and calls without a task. */
  tasks?: NamePattern;
  purpose?: ModelPurpose;
  /** Chance that a matching attempt is hit. Default 1. */
  probability?: number;
  /** Attempts hit at most. Default: no limit. */
  count?: number;
  /** `rate_limit`: the Retry-After the 429 carries. Default: none (the client backs off). */
  retryAfterMs?: number;
  /** `server_error`: the status. Default 500. */
  status?: number;
  /** `latency`: the multiplier of the reply's model latency. */
  factor?: number;
}

export type BrokerFaultSpec =
  | { kind: 'server.kill'; node: string; signal?: 'SIGKILL' | 'SIGTERM' }
  | { kind: 'server.restart' | 'server.pause'; node: string };

/** When a fault starts. None: as soon as the team is up. */
export type FaultTrigger =
  /** At this model time (ms since the run started). */
  | { at: number }
  /** After this many messages (matching the selectors) were sent. */
  | { after: { messages: number; from?: NamePattern; to?: NamePattern; type?: NamePattern } }
  /** When the actor enters the state (`working`, or a nested `working.thinking`). */
  | { when: { actor: string; state: string } };

/** A heal: real ms, or model ms (scaled by the run's time scale). */
export type FaultHeal = { ms: number } | { modelMs: number };

interface PlannedBase {
  id: string;
  trigger?: FaultTrigger;
  heal?: FaultHeal;
}

/** One validated entry of a fault file (or one live fault). */
export type PlannedFault = PlannedBase &
  (
    | { layer: 'message'; kind: MessageFaultKind; spec: MessageFaultSpec }
    | { layer: 'agent'; kind: AgentFaultKind; spec: AgentFaultSpec }
    | { layer: 'model'; kind: ModelFaultKind; spec: ModelFaultSpec }
    | { layer: 'broker'; kind: BrokerFaultKind; spec: BrokerFaultSpec }
    | { layer: 'wire'; kind: WireFaultKind; spec: WireFaultSpec }
    | { layer: 'clock'; kind: ClockFaultKind; spec: ClockFaultSpec }
  );

export interface FaultPlan {
  /** Seed of every fault draw. Default: the run's seed. */
  seed?: string;
  faults: PlannedFault[];
}
