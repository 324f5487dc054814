import {
  runTeam,
  type RunningTeam,
  type TaskSuite,
  type TeamRunOptions,
  type TeamRunResult,
} from '@llm-teams/agents';
import type { NatsConnection } from '@llm-teams/broker';
import type { TraceEvent } from '@llm-teams/runtime';
import {
  createFaultController,
  parseFaultPlan,
  teamRoster,
  type FaultController,
  type FaultControllerOptions,
} from '@llm-teams/lab';
import { tinySuite, watchedTrace, type WatchedTrace } from '@llm-teams/testkit';

export type Ev<K extends TraceEvent['kind']> = TraceEvent & { kind: K };

export const of = <K extends TraceEvent['kind']>(events: TraceEvent[], kind: K): Ev<K>[] =>
  events.filter((e): e is Ev<K> => e.kind === kind);

export const faultEvents = (events: TraceEvent[], name: string) =>
  of(events, 'fault').filter((e) => e.fault === name);

export const marks = (events: TraceEvent[], name: string) =>
  of(events, 'mark').filter((e) => e.name === name);

/** Index of the first event matching `test`, -1 if none. */
export const indexOf = (events: TraceEvent[], test: (e: TraceEvent) => boolean) =>
  events.findIndex(test);

export interface FaultRun {
  result: TeamRunResult;
  events: TraceEvent[];
  controller: FaultController;
}

export interface FaultRunOptions {
  faults: unknown[];
  suite?: TaskSuite;
  team?: Partial<Omit<TeamRunOptions, 'nc' | 'suite' | 'trace'>>;
  controller?: Partial<FaultControllerOptions>;
  /** Acts on the running team; the run cannot end before it returns. */
  during?: (trace: WatchedTrace, controller: FaultController, team: RunningTeam) => Promise<void>;
}

/**
 * Runs a small centralized team (tiny suite, 3 workers, fast detection) under a fault plan
 * validated as a fault file would be.
 */
export async function runWithFaults(
  nc: NatsConnection,
  options: FaultRunOptions,
): Promise<FaultRun> {
  const suite = options.suite ?? tinySuite({ n: 4, chain: 2 });
  const arch = options.team?.arch ?? 'centralized';
  const agents = options.team?.agents ?? 3;
  const timeScale = options.team?.timeScale ?? 0.002;
  const plan = parseFaultPlan(
    { faults: options.faults },
    { roster: teamRoster({ arch, agents }), tasks: suite.tasks.map((t) => t.id) },
  );
  const controller = createFaultController({ plan, seed: 7, timeScale, ...options.controller });
  const trace = watchedTrace();
  try {
    const team = options.team ?? {};
    const result = await runTeam({
      nc,
      suite,
      arch,
      agents,
      model: 'sim:gpt-5.2',
      seed: 7,
      timeScale,
      deadlineMs: 60_000,
      failureDetection: { kind: 'timeout', heartbeatMs: 50, timeoutMs: 400 },
      ...controller.teamOptions({
        ...team,
        coordinator: { leaseMs: 600, ...team.coordinator },
        modelOptions: {
          ...team.modelOptions,
          sim: { mistakeRate: 0, ...team.modelOptions?.sim },
        },
        onStarted: (running) => options.during?.(trace, controller, running),
      }),
      trace,
    });
    return { result, events: trace.events, controller };
  } finally {
    await controller.close();
  }
}
