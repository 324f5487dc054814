import type { RunningTeam } from '@llm-teams/agents';
import type { Clock, FaultEventPayload, FaultInjector, TimerHandle } from '@llm-teams/runtime';
import type { AgentFaultSpec } from './fault-kinds.js';
import type { AppliedFault } from './applied-fault.js';
import type { ModelFaults } from './model-faults.js';

export interface AgentFaultDeps {
  team: RunningTeam;
  injector: FaultInjector;
  models: ModelFaults;
  clock: Clock;
  /** Records in the director's lane. */
  record: (event: FaultEventPayload) => void;
}

/** How often a crashed actor is looked at until it runs again. */
const RECOVERY_POLL_MS = 20;

/**
 * Applies an agent fault to an actor hosted here; undefined when the actor is not (another
 * process hosts it, or it is not running). Events go to the director's lane and name the
 * actor in `actors`, so the viewer shades its lane:
 * - crash: `crash` (start) now, `crash.heal` (end) once supervision has it running again;
 * - kill / restart: `kill` / `restart`, recorded by `RunningTeam`;
 * - pause: `pause` / `pause.heal`; its heartbeats stop and its messages, both ways, are held;
 * - slow: `slow` on / off; its model replies take `factor` times longer (a straggler).
 */
export async function applyAgentFault(
  id: string,
  spec: AgentFaultSpec,
  deps: AgentFaultDeps,
): Promise<AppliedFault | undefined> {
  const { team, record } = deps;
  const target = spec.target;
  const base = { faultId: id, target, actors: [target] };
  if (spec.kind === 'restart') {
    if (team.actor(target)) return undefined;
    await team.restart(target, { faultId: id });
    return {};
  }
  const handle = team.actor(target);
  if (!handle || handle.status !== 'running') return undefined;
  switch (spec.kind) {
    case 'crash': {
      record({ kind: 'fault', fault: 'crash', phase: 'start', ...base });
      handle.crash(spec.reason ?? `crash injected (${id})`);
      let timer: TimerHandle;
      const look = () => {
        const status = team.actor(target)?.status;
        if (status === 'running') {
          record({ kind: 'fault', fault: 'crash.heal', phase: 'end', ...base });
        } else if (status === 'restarting') {
          timer = deps.clock.setTimeout(look, RECOVERY_POLL_MS);
        }
      };
      timer = deps.clock.setTimeout(look, RECOVERY_POLL_MS);
      return { dispose: () => deps.clock.clearTimeout(timer) };
    }
    case 'kill':
      await team.kill(target, { faultId: id });
      return { heal: () => team.restart(target, { faultId: id }) };
    case 'pause': {
      record({ kind: 'fault', fault: 'pause', phase: 'start', ...base });
      handle.pauseHeartbeat(true);
      const holds = [
        deps.injector.add({ id: `${id}.in`, kind: 'hold', to: target }, { quiet: true }),
        deps.injector.add({ id: `${id}.out`, kind: 'hold', from: target }, { quiet: true }),
      ];
      return {
        heal: () => {
          team.actor(target)?.pauseHeartbeat(false);
          for (const h of holds) deps.injector.clear(h);
          record({ kind: 'fault', fault: 'pause.heal', phase: 'end', ...base });
          return Promise.resolve();
        },
      };
    }
    case 'slow': {
      record({ kind: 'fault', fault: 'slow', phase: 'on', ...base, factor: spec.factor });
      deps.models.add(id, { kind: 'latency', agents: target, factor: spec.factor });
      return {
        heal: () => {
          deps.models.remove(id);
          record({ kind: 'fault', fault: 'slow', phase: 'off', ...base });
          return Promise.resolve();
        },
      };
    }
  }
}
