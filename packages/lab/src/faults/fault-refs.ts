import { isGlob, nameMatcher, type MessageFaultSpec, type NamePattern } from '@llm-teams/runtime';
import type {
  AgentFaultSpec,
  BrokerFaultSpec,
  FaultKind,
  FaultLayer,
  ModelFaultSpec,
} from './fault-kinds.js';
import type { TeamRoster } from './team-roster.js';
import type { WireFaultSpec } from './wire-faults.js';
import type { ClockFaultSpec } from './clock-faults.js';

/** What a fault may refer to. An absent list is not checked (a chaos client that does not
 *  know the team); an empty one refuses every reference. */
export interface PlanContext {
  roster?: TeamRoster;
  /** The suite's task ids. */
  tasks?: readonly string[];
  /** Nodes of the NATS cluster this process controls (broker faults act on them). */
  brokerNodes?: readonly string[];
  /** Hosts behind the wire proxy, each with the members it hosts, and the servers behind it
   *  (wire faults act on the links between them). An empty map: no wire proxy here. */
  wire?: { hosts: ReadonlyMap<string, readonly string[]>; servers: readonly string[] };
  /** The team's hosts, each with the members it hosts (clock faults act on their clocks). */
  hosts?: ReadonlyMap<string, readonly string[]>;
}

const list = (p: NamePattern | undefined): string[] =>
  p === undefined ? [] : typeof p === 'string' ? [p] : p;

/** Problems with names in `patterns`: a plain name not in `known`, a glob matching none. */
function unknownNames(
  patterns: NamePattern | undefined,
  known: readonly string[] | undefined,
  what: string,
  where: string,
  allow: (name: string) => boolean = () => false,
): string[] {
  if (known === undefined) return [];
  return list(patterns).flatMap((p) => {
    if (allow(p)) return [];
    if (isGlob(p)) {
      return known.some(nameMatcher(p)) ? [] : [`${where}: ${p} matches no ${what}`];
    }
    return known.includes(p)
      ? []
      : [`${where}: unknown ${what} ${JSON.stringify(p)}; the team has ${known.join(', ')}`];
  });
}

const isTopic = (name: string) => name.startsWith('#');

/** Every reference of one fault that the team, suite or cluster does not have. */
export function checkRefs(
  layer: FaultLayer,
  kind: FaultKind,
  spec:
    | MessageFaultSpec
    | AgentFaultSpec
    | ModelFaultSpec
    | BrokerFaultSpec
    | WireFaultSpec
    | ClockFaultSpec,
  after: { from?: NamePattern; to?: NamePattern } | undefined,
  when: { actor: string } | undefined,
  context: PlanContext,
  where: string,
): string[] {
  const actors = context.roster?.all;
  const members = context.roster
    ? [...context.roster.coordinators, ...context.roster.workers]
    : undefined;
  const problems: string[] = [
    ...unknownNames(after?.from, actors, 'actor', `${where}.after.from`),
    ...unknownNames(after?.to, actors, 'actor', `${where}.after.to`, isTopic),
    ...unknownNames(when?.actor, actors, 'actor', `${where}.when.actor`),
  ];
  if (layer === 'agent') {
    const target = (spec as AgentFaultSpec).target;
    const known = kind === 'slow' ? context.roster?.workers : members;
    const what = kind === 'slow' ? 'worker' : 'team member';
    problems.push(...unknownNames(target, known, what, `${where}.target`));
    return problems;
  }
  if (layer === 'broker') {
    const node = (spec as BrokerFaultSpec).node;
    if (context.brokerNodes !== undefined && !context.brokerNodes.includes(node)) {
      problems.push(
        context.brokerNodes.length === 0
          ? `${where}: ${kind} needs a NATS cluster this process started (none here)`
          : `${where}.node: unknown node ${JSON.stringify(node)}; the cluster has ${context.brokerNodes.join(', ')}`,
      );
    }
    return problems;
  }
  if (layer === 'wire') {
    problems.push(...wireRefs(spec as WireFaultSpec, context, where));
    return problems;
  }
  if (layer === 'clock') {
    const hosts = context.hosts;
    const names = hosts && [...new Set([...hosts.keys(), ...[...hosts.values()].flat()])];
    problems.push(...unknownNames((spec as ClockFaultSpec).hosts, names, 'host', `${where}.hosts`));
    return problems;
  }
  if (layer === 'model') {
    const m = spec as ModelFaultSpec;
    problems.push(
      ...unknownNames(m.agents, context.roster?.workers, 'worker', `${where}.agents`),
      ...unknownNames(m.tasks, context.tasks, 'task', `${where}.tasks`),
    );
    return problems;
  }
  const s = spec as MessageFaultSpec;
  problems.push(
    ...unknownNames(s.from, actors, 'actor', `${where}.from`),
    ...unknownNames(s.to, actors, 'actor', `${where}.to`, isTopic),
  );
  if (s.kind === 'partition') {
    problems.push(...unknownNames(s.actors, actors, 'actor', `${where}.actors`));
    problems.push(...unknownNames(s.groups?.flat(), actors, 'actor', `${where}.groups`));
  }
  return problems;
}

/** A wire fault names hosts behind the proxy (or members they host) and its servers. */
function wireRefs(spec: WireFaultSpec, context: PlanContext, where: string): string[] {
  const wire = context.wire;
  if (wire === undefined) return [];
  if (wire.hosts.size === 0) {
    return [
      `${where}: ${spec.kind} needs hosts behind the wire proxy (llm-teams run --hosts each)`,
    ];
  }
  const names = [...new Set([...wire.hosts.keys(), ...[...wire.hosts.values()].flat()])];
  return [
    ...unknownNames(spec.hosts, names, 'host', `${where}.hosts`),
    ...unknownNames(spec.servers, wire.servers, 'server', `${where}.servers`),
  ];
}
