import type { SimCallInfo, SimFault } from '@llm-teams/agents';
import { nameMatcher, type FaultEventPayload, type Random } from '@llm-teams/runtime';
import type { AppliedFault } from './applied-fault.js';
import type { ModelFaultSpec } from './fault-kinds.js';

interface ActiveModelFault {
  id: string;
  spec: ModelFaultSpec;
  agents: (name: string) => boolean;
  tasks: (name: string) => boolean;
  hits: number;
}

/**
 * The model faults active right now, as the model clients' per-attempt hook
 * (`modelOptions.faults`: any provider). One fault per attempt: the first active one that matches, in
 * the order they were added.
 */
export class ModelFaults {
  readonly #active = new Map<string, ActiveModelFault>();
  readonly #random: Random;
  readonly #record: (agentId: string, event: FaultEventPayload) => void;

  constructor(random: Random, record: (agentId: string, event: FaultEventPayload) => void) {
    this.#random = random;
    this.#record = record;
  }

  add(id: string, spec: ModelFaultSpec): void {
    this.#active.set(id, {
      id,
      spec,
      agents: nameMatcher(spec.agents),
      tasks: nameMatcher(spec.tasks),
      hits: 0,
    });
  }

  remove(id: string): boolean {
    return this.#active.delete(id);
  }

  has(id: string): boolean {
    return this.#active.has(id);
  }

  /** The hook: asked once per attempt of every simulated model call. */
  readonly decide = (call: SimCallInfo): SimFault | undefined => {
    for (const f of this.#active.values()) {
      const { spec } = f;
      if (spec.count !== undefined && f.hits >= spec.count) continue;
      if (!f.agents(call.agentId)) continue;
      if (spec.tasks !== undefined && (call.taskId === undefined || !f.tasks(call.taskId)))
        continue;
      if (spec.purpose !== undefined && spec.purpose !== call.purpose) continue;
      const p = spec.probability ?? 1;
      // Keyed on the call, so one seed hits the same attempts however agents interleave.
      const draw = this.#random.fork(`${f.id}/${call.agentId}/${call.callIndex}/${call.attempt}`);
      if (p < 1 && draw.next() >= p) continue;
      f.hits++;
      const fault = simFault(spec);
      const { kind: _k, ...detail } = fault;
      this.#record(call.agentId, {
        kind: 'fault',
        fault: `model.${spec.kind}`,
        faultId: f.id,
        callIndex: call.callIndex,
        attempt: call.attempt,
        ...(call.taskId !== undefined ? { taskId: call.taskId } : {}),
        // The tools the reply calls: a damaged reply damages the first.
        tools: call.tools,
        ...detail,
      });
      return fault;
    }
    return undefined;
  };
}

function simFault(spec: ModelFaultSpec): SimFault {
  switch (spec.kind) {
    case 'rate_limit':
      return {
        kind: 'rate_limit',
        ...(spec.retryAfterMs !== undefined ? { retryAfterMs: spec.retryAfterMs } : {}),
      };
    case 'server_error':
      return { kind: 'server_error', status: spec.status ?? 500 };
    case 'latency':
      return { kind: 'latency_multiplier', factor: spec.factor ?? 1 };
    default:
      return { kind: spec.kind };
  }
}

/** Starts a model fault: `model.<kind>` on, then off when it heals (in the director's lane). */
export function applyModelFault(
  id: string,
  spec: ModelFaultSpec,
  models: ModelFaults,
  record: (event: FaultEventPayload) => void,
): AppliedFault {
  models.add(id, spec);
  const { kind, ...detail } = spec;
  record({ kind: 'fault', fault: `model.${kind}`, phase: 'on', faultId: id, ...detail });
  return {
    heal: () => {
      if (models.remove(id)) {
        record({ kind: 'fault', fault: `model.${kind}`, phase: 'off', faultId: id });
      }
      return Promise.resolve();
    },
  };
}
