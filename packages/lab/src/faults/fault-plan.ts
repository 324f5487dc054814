import { z } from 'zod';
import type { ModelPurpose } from '@llm-teams/agents';
import {
  durationSchema,
  FaultSpecError,
  formatIssues,
  MESSAGE_FAULT_KINDS,
  parseMessageFault,
  type MessageFaultKind,
  type MessageFaultSpec,
  type NamePattern,
} from '@llm-teams/runtime';
import { checkRefs, type PlanContext } from './fault-refs.js';
import type { TeamRoster } from './team-roster.js';

/** The team's members a partition splits by default: coordinators and workers. */
const members = (roster: TeamRoster) => [...roster.coordinators, ...roster.workers];

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
export const BROKER_FAULT_KINDS = ['server.kill', 'server.restart', 'server.cut'] as const;

export type AgentFaultKind = (typeof AGENT_FAULT_KINDS)[number];
export type ModelFaultKind = (typeof MODEL_FAULT_KINDS)[number];
export type BrokerFaultKind = (typeof BROKER_FAULT_KINDS)[number];
export type FaultKind = MessageFaultKind | AgentFaultKind | ModelFaultKind | BrokerFaultKind;
export type FaultLayer = 'message' | 'agent' | 'model' | 'broker';

export const FAULT_KINDS: readonly FaultKind[] = [
  ...MESSAGE_FAULT_KINDS,
  ...AGENT_FAULT_KINDS,
  ...MODEL_FAULT_KINDS,
  ...BROKER_FAULT_KINDS,
];

export type AgentFaultSpec =
  | { kind: 'crash'; target: string; reason?: string }
  | { kind: 'kill' | 'restart' | 'pause'; target: string }
  | { kind: 'slow'; target: string; factor: number };

/** A fault of the simulated model, per attempt of a model call (`sim.faults`). */
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
  | { kind: 'server.restart' | 'server.cut'; node: string };

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
  );

export interface FaultPlan {
  /** Seed of every fault draw. Default: the run's seed. */
  seed?: string;
  faults: PlannedFault[];
}

export type { PlanContext } from './fault-refs.js';

const namePattern = z.union([z.string().min(1), z.array(z.string().min(1)).min(1)]);
const shared = {
  id: z
    .string()
    .regex(/^[A-Za-z0-9_.-]{1,64}$/, 'ids are 1-64 letters, digits, ".", "_" or "-"')
    .optional(),
  at: durationSchema.optional(),
  after: z
    .strictObject({
      messages: z.number().int().positive(),
      from: namePattern.optional(),
      to: namePattern.optional(),
      type: namePattern.optional(),
    })
    .optional(),
  when: z.strictObject({ actor: z.string().min(1), state: z.string().min(1) }).optional(),
  healAfterMs: durationSchema.optional(),
  healAfterModelMs: durationSchema.optional(),
};
const target = z.string().min(1);
const modelShape = {
  ...shared,
  agents: namePattern.optional(),
  tasks: namePattern.optional(),
  purpose: z.enum(['code', 'coordinate', 'review']).optional(),
  probability: z.number().min(0).max(1).optional(),
  count: z.number().int().positive().optional(),
};

const layerSchemas = {
  crash: z.strictObject({
    kind: z.literal('crash'),
    ...shared,
    target,
    reason: z.string().optional(),
  }),
  kill: z.strictObject({ kind: z.literal('kill'), ...shared, target }),
  restart: z.strictObject({ kind: z.literal('restart'), ...shared, target }),
  pause: z.strictObject({ kind: z.literal('pause'), ...shared, target }),
  slow: z.strictObject({
    kind: z.literal('slow'),
    ...shared,
    target,
    factor: z.number().gt(1).max(1e6),
  }),
  rate_limit: z.strictObject({
    kind: z.literal('rate_limit'),
    ...modelShape,
    retryAfterMs: durationSchema.optional(),
  }),
  server_error: z.strictObject({
    kind: z.literal('server_error'),
    ...modelShape,
    status: z.number().int().min(500).max(599).optional(),
  }),
  timeout: z.strictObject({ kind: z.literal('timeout'), ...modelShape }),
  malformed_tool_call: z.strictObject({ kind: z.literal('malformed_tool_call'), ...modelShape }),
  truncated_tool_call: z.strictObject({ kind: z.literal('truncated_tool_call'), ...modelShape }),
  wrong_answer: z.strictObject({ kind: z.literal('wrong_answer'), ...modelShape }),
  latency: z.strictObject({
    kind: z.literal('latency'),
    ...modelShape,
    factor: z.number().positive().max(1e6),
  }),
  'server.kill': z.strictObject({
    kind: z.literal('server.kill'),
    ...shared,
    node: target,
    signal: z.enum(['SIGKILL', 'SIGTERM']).optional(),
  }),
  'server.restart': z.strictObject({ kind: z.literal('server.restart'), ...shared, node: target }),
  'server.cut': z.strictObject({ kind: z.literal('server.cut'), ...shared, node: target }),
};

/** Kinds that end by themselves or are already a repair: a heal makes no sense. */
const NO_HEAL = new Set<FaultKind>(['crash', 'restart', 'server.restart']);

const layerOf = (kind: FaultKind): FaultLayer =>
  (MESSAGE_FAULT_KINDS as readonly string[]).includes(kind)
    ? 'message'
    : (AGENT_FAULT_KINDS as readonly string[]).includes(kind)
      ? 'agent'
      : (MODEL_FAULT_KINDS as readonly string[]).includes(kind)
        ? 'model'
        : 'broker';

/**
 * Validates one fault entry; throws `FaultSpecError` with every problem found, each prefixed by
 * `where`: an unknown kind, field or selector, a bad duration or probability, an actor, task or
 * broker node the team does not have, more than one trigger, a heal on a fault that cannot heal.
 */
export function parseFaultEntry(
  value: unknown,
  context: PlanContext,
  where = 'fault',
  index = 0,
): PlannedFault {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    throw new FaultSpecError([`${where}: a fault is an object with a "kind"`]);
  }
  const raw = value as Record<string, unknown>;
  const kind = raw['kind'];
  if (typeof kind !== 'string' || !(FAULT_KINDS as readonly string[]).includes(kind)) {
    throw new FaultSpecError([
      `${where}: unknown fault kind ${JSON.stringify(kind)}; known kinds: ${FAULT_KINDS.join(', ')}`,
    ]);
  }
  const layer = layerOf(kind as FaultKind);
  const { at, after, when, healAfterMs, healAfterModelMs, ...rest } = raw;
  const problems: string[] = [];
  // The trigger and heal fields are the same for every layer: check them once, here.
  const common = z
    .strictObject({
      at: shared.at,
      after: shared.after,
      when: shared.when,
      healAfterMs: shared.healAfterMs,
      healAfterModelMs: shared.healAfterModelMs,
    })
    .safeParse({ at, after, when, healAfterMs, healAfterModelMs });
  if (!common.success) problems.push(...formatIssues(where, common.error.issues));
  let spec: PlannedFault['spec'] | undefined;
  if (layer === 'message') {
    const message = healAfterMs === undefined ? rest : { ...rest, healAfterMs };
    // A partition over "the team" by default; a client that does not know the team leaves
    // that to the process that does.
    const fill = kind === 'partition' && rest['shape'] !== 'groups' && rest['actors'] === undefined;
    if (fill) message['actors'] = context.roster ? members(context.roster) : ['?a', '?b', '?c'];
    try {
      spec = parseMessageFault(message, where);
      if (fill && !context.roster) delete (spec as { actors?: string[] }).actors;
    } catch (err) {
      if (!(err instanceof FaultSpecError)) throw err;
      problems.push(...err.problems.filter((p) => !problems.includes(p)));
    }
  } else {
    const parsed = layerSchemas[kind as Exclude<FaultKind, MessageFaultKind>].safeParse(rest);
    if (parsed.success) {
      const { id: _id, ...data } = parsed.data as Record<string, unknown>;
      spec = data as PlannedFault['spec'];
    } else problems.push(...formatIssues(where, parsed.error.issues));
  }
  if (problems.length > 0) throw new FaultSpecError(problems);
  const c = common.data!;
  const triggers = (['at', 'after', 'when'] as const).filter((k) => c[k] !== undefined);
  if (triggers.length > 1) {
    problems.push(`${where}: one trigger per fault; this one has ${triggers.join(' and ')}`);
  }
  if (c.healAfterMs !== undefined && c.healAfterModelMs !== undefined) {
    problems.push(`${where}: give healAfterMs or healAfterModelMs, not both`);
  }
  if (NO_HEAL.has(kind as FaultKind) && (c.healAfterMs ?? c.healAfterModelMs) !== undefined) {
    problems.push(`${where}: a ${kind} does not heal; remove healAfterMs / healAfterModelMs`);
  }
  problems.push(...checkRefs(layer, kind as FaultKind, spec!, c.after, c.when, context, where));
  if (problems.length > 0) throw new FaultSpecError(problems);
  const trigger: FaultTrigger | undefined =
    c.at !== undefined
      ? { at: c.at }
      : c.after !== undefined
        ? { after: c.after }
        : c.when !== undefined
          ? { when: c.when }
          : undefined;
  const heal: FaultHeal | undefined =
    c.healAfterModelMs !== undefined
      ? { modelMs: c.healAfterModelMs }
      : layer !== 'message' && c.healAfterMs !== undefined
        ? { ms: c.healAfterMs }
        : undefined;
  const id = typeof raw['id'] === 'string' ? raw['id'] : `${kind}-${index + 1}`;
  return {
    id,
    layer,
    kind,
    spec: layer === 'message' ? { ...(spec as MessageFaultSpec), id } : spec,
    ...(trigger ? { trigger } : {}),
    ...(heal ? { heal } : {}),
  } as PlannedFault;
}

/**
 * Validates a whole fault file's content (`{ seed?, faults: [...] }`, or a bare list) against
 * the team it will run on. Throws `FaultSpecError` listing every problem of every entry.
 */
export function parseFaultPlan(value: unknown, context: PlanContext): FaultPlan {
  const doc = Array.isArray(value) ? { faults: value } : value;
  if (typeof doc !== 'object' || doc === null) {
    throw new FaultSpecError(['a fault file holds { "faults": [ ... ] } (or a list of faults)']);
  }
  const { seed, faults, ...extra } = doc as Record<string, unknown>;
  const problems = Object.keys(extra).map(
    (k) => `unknown field ${JSON.stringify(k)} at the top of the fault file (fields: seed, faults)`,
  );
  if (seed !== undefined && typeof seed !== 'string' && typeof seed !== 'number') {
    problems.push('seed: a string or a number');
  }
  if (!Array.isArray(faults)) {
    throw new FaultSpecError([...problems, 'faults: a list of faults is required']);
  }
  const planned: PlannedFault[] = [];
  faults.forEach((entry, i) => {
    try {
      planned.push(parseFaultEntry(entry, context, `faults[${i}]`, i));
    } catch (err) {
      if (err instanceof FaultSpecError) problems.push(...err.problems);
      else throw err;
    }
  });
  // Ids as written too, so a clash is reported even when one of the entries is invalid.
  const ids = faults.map((f: unknown, i) => {
    const id = (f as { id?: unknown } | null)?.id;
    return typeof id === 'string'
      ? id
      : `${String((f as { kind?: unknown } | null)?.kind)}-${i + 1}`;
  });
  for (const id of new Set(ids.filter((x, i) => ids.indexOf(x) !== i))) {
    problems.push(`faults: the id ${id} is used twice`);
  }
  if (problems.length > 0) throw new FaultSpecError(problems);
  return {
    ...(typeof seed === 'string' || typeof seed === 'number' ? { seed: String(seed) } : {}),
    faults: planned,
  };
}
