import { z } from 'zod';
import {
  durationSchema,
  FaultSpecError,
  formatIssues,
  MESSAGE_FAULT_KINDS,
  parseMessageFault,
  type MessageFaultKind,
  type MessageFaultSpec,
} from '@llm-teams/runtime';
import {
  AGENT_FAULT_KINDS,
  BROKER_FAULT_KINDS,
  FAULT_KINDS,
  MODEL_FAULT_KINDS,
  type FaultHeal,
  type FaultKind,
  type FaultLayer,
  type FaultPlan,
  type FaultTrigger,
  type PlannedFault,
} from './fault-kinds.js';
import { checkRefs, type PlanContext } from './fault-refs.js';
import type { TeamRoster } from './team-roster.js';
import { WIRE_FAULT_KINDS, wireSchemas } from './wire-faults.js';
import { CLOCK_FAULT_KINDS, clockSchemas } from './clock-faults.js';

/** The team's members a partition splits by default: coordinators and workers. */
const members = (roster: TeamRoster) => [...roster.coordinators, ...roster.workers];

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
  'server.pause': z.strictObject({ kind: z.literal('server.pause'), ...shared, node: target }),
  ...wireSchemas(shared),
  ...clockSchemas(shared),
};

/** Kinds that end by themselves or are already a repair: a heal makes no sense. */
const NO_HEAL = new Set<FaultKind>([
  'crash',
  'restart',
  'server.restart',
  'wire.reset',
  'wire.half_open',
]);

const LAYERS: [FaultLayer, readonly string[]][] = [
  ['message', MESSAGE_FAULT_KINDS],
  ['agent', AGENT_FAULT_KINDS],
  ['model', MODEL_FAULT_KINDS],
  ['broker', BROKER_FAULT_KINDS],
  ['wire', WIRE_FAULT_KINDS],
  ['clock', CLOCK_FAULT_KINDS],
];

const layerOf = (kind: FaultKind): FaultLayer =>
  LAYERS.find(([, kinds]) => kinds.includes(kind))![0];

// The trigger and heal fields are the same for every layer.
const commonSchema = z.strictObject({
  at: shared.at,
  after: shared.after,
  when: shared.when,
  healAfterMs: shared.healAfterMs,
  healAfterModelMs: shared.healAfterModelMs,
});
type CommonFields = z.infer<typeof commonSchema>;

/** The kind's own fields, checked by its layer's schema; problems go to `problems`. */
function parseLayerSpec(
  kind: FaultKind,
  layer: FaultLayer,
  rest: Record<string, unknown>,
  healAfterMs: unknown,
  context: PlanContext,
  where: string,
  problems: string[],
): PlannedFault['spec'] | undefined {
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
  return spec;
}

/** The trigger (at, after or when) and the heal of a fault whose common fields are valid. */
function triggerAndHeal(
  c: CommonFields,
  layer: FaultLayer,
): { trigger: FaultTrigger | undefined; heal: FaultHeal | undefined } {
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
  return { trigger, heal };
}

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
  const common = commonSchema.safeParse({ at, after, when, healAfterMs, healAfterModelMs });
  if (!common.success) problems.push(...formatIssues(where, common.error.issues));
  const spec = parseLayerSpec(
    kind as FaultKind,
    layer,
    rest,
    healAfterMs,
    context,
    where,
    problems,
  );
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
  const { trigger, heal } = triggerAndHeal(c, layer);
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
