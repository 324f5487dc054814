/**
 * The director's part of a run, the same for a suite's team (runTeam) and a team of your own
 * (runDefinedTeam): the handle a fault plan drives while the team runs, the budget's stop, and
 * how the end of the run is announced (to members elsewhere too) and traced.
 */
import type { KV } from '@llm-teams/broker';
import type { ActorHandle, ActorHost } from '@llm-teams/runtime';
import { AgentsError } from '../agents-error.js';
import type { UsageLedger } from '../models/index.js';
import { RUN_STATUS_KEY } from './team-join.js';

export type TeamRunStatus = 'completed' | 'failed' | 'deadline' | 'budget';

/** Why a run stopped before its end (the budget), with the reason for its result. */
export interface RunStop {
  status: TeamRunStatus;
  reason: string;
}

/** The fault (of a fault plan) that kills or restarts an actor, for its trace event. */
export interface FaultRef {
  faultId: string;
}

/** The trace event of a kill or restart: the director's lane, naming the actor. */
export function lifecycleFault(fault: 'kill' | 'restart', id: string, by?: FaultRef) {
  const phase = fault === 'kill' ? 'start' : 'end';
  return { kind: 'fault' as const, fault, phase, target: id, actors: [id], ...by };
}

/** A team while it runs. */
export interface RunningTeam {
  readonly team: string;
  readonly host: ActorHost;
  readonly workers: readonly string[];
  readonly coordinators: readonly string[];
  actor(id: string): ActorHandle | undefined;
  /** Stops an actor for good (a killed process): no restart; its heartbeats stop. Records a
   *  `kill` fault (`phase: start`), naming the fault that did it when given. */
  kill(id: string, by?: FaultRef): Promise<void>;
  /** Spawns a killed actor again, with the machine and options it first had; it restores its
   *  checkpoint and its heartbeats resume. Records a `restart` fault (`phase: end`). No-op
   *  while it runs. */
  restart(id: string, by?: FaultRef): Promise<void>;
  /** Whether `restart` can spawn `id` again: a member, not the run's own director. */
  canRestart(id: string): boolean;
  /** Records a mark in the director's lane. */
  mark(name: string, data?: Record<string, unknown>): void;
}

/** The running team's handle: kills and restarts traced in the director's lane. */
export function runningTeam(parts: {
  team: string;
  host: ActorHost;
  director: ActorHandle;
  workers: readonly string[];
  coordinators: readonly string[];
  /** How to spawn each member again, with the machine and options it first had. */
  respawn: ReadonlyMap<string, () => Promise<unknown>>;
}): RunningTeam {
  const { team, host, director } = parts;
  return {
    team,
    host,
    workers: parts.workers,
    coordinators: parts.coordinators,
    actor: (id) => host.actor(id),
    kill: async (id, by) => {
      director.runtime.record(lifecycleFault('kill', id, by));
      await host.actor(id)?.stop();
    },
    restart: async (id, by) => {
      const again = parts.respawn.get(id);
      if (!again)
        throw new AgentsError('INVALID_TEAM', `team ${team} has no actor ${id} to restart`);
      if (host.actor(id)) return;
      director.runtime.record(lifecycleFault('restart', id, by));
      await again();
    },
    canRestart: (id) => parts.respawn.has(id),
    mark: (name, data) => director.runtime.record({ kind: 'mark', name, ...data }),
  };
}

/** Watches the ledger's budget: traced once exceeded (`budget.exceeded`), and `stop()` is
 *  then the run's end; `off()` stops watching. */
export function watchBudget(
  ledger: UsageLedger,
  director: ActorHandle,
): { stop: () => RunStop | undefined; off: () => void } {
  let stop: RunStop | undefined;
  const off = ledger.onBudgetExceeded((why) => {
    stop ??= { status: 'budget', reason: why.reason };
    const { kind: budgetKind, ...detail } = why;
    director.runtime.record({
      kind: 'mark',
      name: 'budget.exceeded',
      budget: budgetKind,
      ...detail,
    });
  });
  return { stop: () => stop, off };
}

/**
 * Announces the end: `run.done` to the team, and (with members elsewhere) the run's status in
 * the board bucket, since the broadcast is at-most-once and a node cut off at that moment
 * learns the end from KV instead. Only such runs write it: a scheduled run's board operations
 * are schedule steps, and its replay must see the same ones. Then traces `run.end`.
 */
export async function announceRunEnd(
  director: ActorHandle,
  boardKv: KV,
  end: { status: TeamRunStatus; reason: string | undefined; wallMs: number; remote: boolean },
): Promise<void> {
  const { status, reason, wallMs } = end;
  director.runtime.broadcast('team', 'run.done', { status });
  if (end.remote)
    await boardKv
      .put(RUN_STATUS_KEY, new TextEncoder().encode(JSON.stringify({ status, wallMs })))
      .catch(() => undefined);
  director.runtime.record({
    kind: 'mark',
    name: 'run.end',
    status,
    ...(reason ? { reason } : {}),
    wallMs,
  });
}
