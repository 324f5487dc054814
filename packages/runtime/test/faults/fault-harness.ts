import { setup } from 'xstate';
import { provisionTeam } from '@llm-teams/broker';
import {
  createFaultInjector,
  type ActorHandle,
  type ActorHost,
  type DeliveryPolicyOptions,
  type FaultInjector,
  type FaultInjectorOptions,
  type TraceEvent,
} from '@llm-teams/runtime';
import { watchedTrace, type HostFixture } from '@llm-teams/testkit';

export type Recv = TraceEvent & { kind: 'recv' };
export type Fault = TraceEvent & { kind: 'fault' };

/** A machine that takes any message and does nothing with it: the trace says what arrived. */
export const sink = setup({}).createMachine({ on: { '*': {} } });

export const recvs = (events: TraceEvent[], actor: string, type?: string): Recv[] =>
  events.filter(
    (e): e is Recv =>
      e.kind === 'recv' && e.actor === actor && (type === undefined || e.type === type),
  );

export const faults = (events: TraceEvent[], name?: string): Fault[] =>
  events.filter((e): e is Fault => e.kind === 'fault' && (name === undefined || e.fault === name));

/** The bodies' `n` of the messages `actor` processed (not duplicates), in order. */
export const order = (events: TraceEvent[], actor: string, type: string): number[] =>
  recvs(events, actor, type)
    .filter((r) => !r.dup)
    .map((r) => r.chanSeq ?? -1);

export interface FaultTeam {
  host: ActorHost;
  injector: FaultInjector;
  actors: Record<string, ActorHandle>;
  events: TraceEvent[];
  when: (test: (e: TraceEvent[]) => boolean) => Promise<void>;
}

/**
 * One host with `ids` sink actors and a fault injector whose lifecycle events go to the lane
 * of an extra `chaos` actor; the host closes with the fixture.
 */
export async function startFaultTeam(
  fixture: HostFixture,
  options: {
    team: string;
    ids: string[];
    injector?: Omit<FaultInjectorOptions, 'record'>;
    delivery?: DeliveryPolicyOptions;
    ackWaitMs?: number;
  },
): Promise<FaultTeam> {
  await provisionTeam(fixture.nc, { team: options.team });
  const trace = watchedTrace();
  const { events, when } = trace;
  const lane: { chaos?: ActorHandle } = {};
  const injector = createFaultInjector({
    seed: 1,
    ...options.injector,
    record: (e) => lane.chaos?.runtime.record(e),
  });
  const host = await fixture.host({
    team: options.team,
    node: 'h1',
    seed: 3,
    trace,
    interceptor: injector,
    batch: false,
    ...(options.delivery ? { delivery: options.delivery } : {}),
    ...(options.ackWaitMs ? { durable: { ackWaitMs: options.ackWaitMs } } : {}),
  });
  lane.chaos = await host.spawn('chaos', sink, { durable: false });
  const actors: Record<string, ActorHandle> = {};
  for (const id of options.ids) actors[id] = await host.spawn(id, sink);
  return { host, injector, actors, events, when };
}
