import { z } from 'zod';
import type { DeliveryMode } from '../trace-event.js';

/**
 * Message faults as data: what the fault file's message entries, `llm-teams chaos` and the
 * control subject carry. Everything here is plain JSON so a fault can travel between machines.
 */

/** One name or glob (`*` matches any run of characters), or a list of them. */
export type NamePattern = string | string[];

/** Which messages a fault hits. Every given selector must match; an absent one matches all. */
export interface MessageSelector {
  /** Sender actor id. */
  from?: NamePattern;
  /** Receiver actor id; for a broadcast, the receiving member or the topic as `#<topic>`. */
  to?: NamePattern;
  /** Message type (`task.assign`, `peer.*`). */
  type?: NamePattern;
}

export interface MessageFaultCommon extends MessageSelector {
  /** Names the fault for `clear` and in the trace. Default: `<kind>-<n>`. */
  id?: string;
  /** Only messages of this delivery mode. Default: both. */
  mode?: DeliveryMode;
  /** Chance that a matching message is hit. Default 1. */
  probability?: number;
  /** Hit at most this many messages, then the fault stays active but idle. Default: no limit. */
  count?: number;
  /** Becomes active this long after it is added. Default 0. */
  afterMs?: number;
  /** Heals this long after it becomes active. Default: when cleared. */
  healAfterMs?: number;
}

/** A delay: a fixed number of ms, or a distribution (all in real ms). */
export type DelayDistribution =
  | number
  | { dist: 'fixed'; ms: number }
  | { dist: 'uniform'; minMs: number; maxMs: number }
  | { dist: 'exponential'; meanMs: number; maxMs?: number }
  | { dist: 'normal'; meanMs: number; sdMs: number; maxMs?: number };

/** The shapes Jepsen's nemeses use, over a list of actors. */
export type PartitionShape = 'halves' | 'isolate' | 'bridge' | 'groups';

export type MessageFaultSpec =
  | (MessageFaultCommon & { kind: 'drop' })
  | (MessageFaultCommon & { kind: 'delay'; delay: DelayDistribution })
  | (MessageFaultCommon & { kind: 'duplicate'; copies?: number })
  | (MessageFaultCommon & {
      kind: 'reorder';
      /** The held message is released once this many later messages on its channel went out
       *  (at the end of that tick: messages one action sends go out together). Default 1. */
      after?: number;
      /** ...or after this long, whichever comes first. Default 1000. */
      maxHoldMs?: number;
    })
  | (MessageFaultCommon & {
      kind: 'hold';
      /** Held messages are released when the fault heals or is cleared, or after this long.
       *  Default: the longest timer (about 24 days). */
      maxHoldMs?: number;
    })
  | (MessageFaultCommon & {
      kind: 'partition';
      shape: PartitionShape;
      /** The actors split by `halves`, `isolate` and `bridge`. */
      actors?: string[];
      /** `isolate`: the actor cut off; `bridge`: the actor in the middle. Default: a seeded pick. */
      target?: string;
      /** `groups`: explicit components; every pair of groups is cut. */
      groups?: string[][];
      /** Cut only messages from the first component to the others. Default false. */
      oneWay?: boolean;
    });

export type MessageFaultKind = MessageFaultSpec['kind'];

export const MESSAGE_FAULT_KINDS: readonly MessageFaultKind[] = [
  'drop',
  'delay',
  'duplicate',
  'reorder',
  'hold',
  'partition',
];

/** The longest delay a Node timer can wait (a larger one would fire at once). */
export const MAX_TIMER_MS = 2_147_483_647;

/** A fault description that cannot be used, with every problem found. */
export class FaultSpecError extends Error {
  readonly problems: string[];

  constructor(problems: string[]) {
    super(
      problems.length === 1
        ? problems[0]!
        : `${problems.length} problems:\n  ${problems.join('\n  ')}`,
    );
    this.name = 'FaultSpecError';
    this.problems = problems;
  }
}

const UNITS: Record<string, number> = { ms: 1, s: 1000, m: 60_000, h: 3_600_000 };

/**
 * A duration in ms: a non-negative number (ms), or a string `500ms`, `2s`, `1.5m`, `1h`.
 * Undefined when the value is neither.
 */
export function parseDurationMs(value: unknown): number | undefined {
  if (typeof value === 'number') {
    return Number.isFinite(value) && value >= 0 ? value : undefined;
  }
  if (typeof value !== 'string') return undefined;
  const m = /^\s*(\d+(?:\.\d+)?)\s*(ms|s|m|h)\s*$/.exec(value);
  if (!m) return undefined;
  return Math.round(Number(m[1]) * UNITS[m[2]!]!);
}

/** A zod schema for a duration field (see `parseDurationMs`), capped at `MAX_TIMER_MS`. */
export const durationSchema = z.unknown().transform((v, ctx) => {
  const ms = parseDurationMs(v);
  if (ms === undefined || ms > MAX_TIMER_MS) {
    ctx.addIssue({
      code: 'custom',
      message: `bad duration ${JSON.stringify(v)}: use ms (a number >= 0) or a string like 500ms, 2s, 1.5m`,
    });
    return z.NEVER;
  }
  return ms;
});

const namePattern = z.union([
  z.string().min(1),
  z.array(z.string().min(1)).min(1, 'an empty list selects nothing'),
]);
const idSchema = z
  .string()
  .regex(/^[A-Za-z0-9_.-]{1,64}$/, 'ids are 1-64 letters, digits, ".", "_" or "-"');

/** Selector and activation fields every message fault accepts. */
export const MESSAGE_SELECTOR_FIELDS = ['from', 'to', 'type'] as const;

const common = {
  id: idSchema.optional(),
  from: namePattern.optional(),
  to: namePattern.optional(),
  type: namePattern.optional(),
  mode: z.enum(['at-most-once', 'at-least-once']).optional(),
  probability: z.number().min(0).max(1).optional(),
  count: z.number().int().positive().optional(),
  afterMs: durationSchema.optional(),
  healAfterMs: durationSchema.optional(),
};

const distribution = z.union([
  durationSchema,
  z.strictObject({ dist: z.literal('fixed'), ms: durationSchema }),
  z.strictObject({ dist: z.literal('uniform'), minMs: durationSchema, maxMs: durationSchema }),
  z.strictObject({
    dist: z.literal('exponential'),
    meanMs: durationSchema,
    maxMs: durationSchema.optional(),
  }),
  z.strictObject({
    dist: z.literal('normal'),
    meanMs: durationSchema,
    sdMs: durationSchema,
    maxMs: durationSchema.optional(),
  }),
]);

const schemas = {
  drop: z.strictObject({ kind: z.literal('drop'), ...common }),
  delay: z.strictObject({ kind: z.literal('delay'), ...common, delay: distribution }),
  duplicate: z.strictObject({
    kind: z.literal('duplicate'),
    ...common,
    copies: z.number().int().min(1).max(100).optional(),
  }),
  reorder: z.strictObject({
    kind: z.literal('reorder'),
    ...common,
    after: z.number().int().min(1).optional(),
    maxHoldMs: durationSchema.optional(),
  }),
  hold: z.strictObject({
    kind: z.literal('hold'),
    ...common,
    maxHoldMs: durationSchema.optional(),
  }),
  partition: z.strictObject({
    kind: z.literal('partition'),
    ...common,
    shape: z.enum(['halves', 'isolate', 'bridge', 'groups']),
    actors: z.array(z.string().min(1)).optional(),
    target: z.string().min(1).optional(),
    groups: z.array(z.array(z.string().min(1)).min(1)).optional(),
    oneWay: z.boolean().optional(),
  }),
} satisfies Record<MessageFaultKind, z.ZodType>;

/** `faults[2].delay.meanMs: ...` from a zod issue; unknown keys named as such. */
export function formatIssues(where: string, issues: readonly z.core.$ZodIssue[]): string[] {
  return issues.map((issue) => {
    const path = [
      where,
      ...issue.path.map((p) => (typeof p === 'number' ? `[${p}]` : `.${String(p)}`)),
    ]
      .join('')
      .replace(/^\./, '');
    if (issue.code === 'unrecognized_keys') {
      return `${path}: unknown field${issue.keys.length > 1 ? 's' : ''} ${issue.keys.map((k) => JSON.stringify(k)).join(', ')}`;
    }
    if (issue.code === 'invalid_union') return `${path}: ${unionMessage(issue)}`;
    return `${path}: ${issue.message}`;
  });
}

function unionMessage(issue: z.core.$ZodIssueInvalidUnion): string {
  // The first branch's first complaint is usually the helpful one (a bad duration).
  const first = issue.errors.flat()[0];
  return first ? first.message : issue.message;
}

/**
 * Validates one message fault (an object from JSON or YAML). Throws `FaultSpecError` naming
 * each problem: an unknown kind or field, a bad probability or duration, a partition missing
 * the actors its shape needs. `where` prefixes the messages (`faults[3]`).
 */
export function parseMessageFault(value: unknown, where = 'fault'): MessageFaultSpec {
  const kind = (value as { kind?: unknown } | null)?.kind;
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    throw new FaultSpecError([`${where}: a fault is an object with a "kind"`]);
  }
  if (typeof kind !== 'string' || !(MESSAGE_FAULT_KINDS as readonly string[]).includes(kind)) {
    throw new FaultSpecError([
      `${where}: unknown fault kind ${JSON.stringify(kind)}; message faults are ${MESSAGE_FAULT_KINDS.join(', ')}`,
    ]);
  }
  const parsed = schemas[kind as MessageFaultKind].safeParse(value);
  if (!parsed.success) throw new FaultSpecError(formatIssues(where, parsed.error.issues));
  const spec = parsed.data;
  const problems: string[] = [];
  if (spec.kind === 'delay' && typeof spec.delay === 'object' && spec.delay.dist === 'uniform') {
    if (spec.delay.minMs > spec.delay.maxMs) problems.push(`${where}.delay: minMs is above maxMs`);
  }
  if (spec.kind === 'partition') problems.push(...partitionProblems(spec, where));
  if (problems.length > 0) throw new FaultSpecError(problems);
  return spec;
}

function partitionProblems(
  spec: Extract<MessageFaultSpec, { kind: 'partition' }>,
  where: string,
): string[] {
  const problems: string[] = [];
  const actors = spec.actors ?? [];
  if (spec.shape === 'groups') {
    if (!spec.groups || spec.groups.length < 2) {
      problems.push(`${where}: shape "groups" needs "groups" with at least two lists of actors`);
    } else {
      const all = spec.groups.flat();
      const twice = all.filter((a, i) => all.indexOf(a) !== i);
      if (twice.length > 0) problems.push(`${where}.groups: ${twice.join(', ')} in two groups`);
    }
    if (spec.actors) problems.push(`${where}: shape "groups" takes "groups", not "actors"`);
    return problems;
  }
  if (spec.groups) problems.push(`${where}: "groups" is only for shape "groups"`);
  const min = spec.shape === 'bridge' ? 3 : 2;
  if (actors.length < min) {
    problems.push(`${where}: shape "${spec.shape}" needs "actors" with at least ${min} actors`);
  }
  if (new Set(actors).size !== actors.length)
    problems.push(`${where}.actors: an actor is listed twice`);
  if (spec.target !== undefined && spec.shape === 'halves') {
    problems.push(`${where}: "target" is only for shapes isolate and bridge`);
  }
  if (spec.target !== undefined && !actors.includes(spec.target)) {
    problems.push(`${where}.target: ${spec.target} is not among "actors"`);
  }
  return problems;
}
