import { z } from 'zod';
import {
  MAX_TIMER_MS,
  nameMatcher,
  parseDurationMs,
  type FaultEventPayload,
  type NamePattern,
  type SkewedClock,
} from '@llm-teams/runtime';
import type { AppliedFault } from './applied-fault.js';

export const CLOCK_FAULT_KINDS = ['clock.skew', 'clock.drift'] as const;
export type ClockFaultKind = (typeof CLOCK_FAULT_KINDS)[number];

/** A fault of hosts' clocks (docs/faults.md, Clock faults). */
export interface ClockFaultSpec {
  kind: ClockFaultKind;
  /** Hosts whose clocks it moves: host names, or members they host (globs). Default: every
   *  host. */
  hosts?: NamePattern;
  /** `clock.skew`: how far the clock steps, ahead (positive) or behind (negative). */
  offsetMs?: number;
  /** `clock.drift`: how much faster the clock runs (0.5: 50 % fast; -0.5: half speed). */
  rate?: number;
}

/** A signed duration: `offsetMs: -5000`, `-5s`, `2m`. */
const signedDuration = z.unknown().transform((v, ctx) => {
  const negative = typeof v === 'string' && v.trim().startsWith('-');
  const ms =
    typeof v === 'number' && Number.isFinite(v)
      ? Math.abs(v)
      : parseDurationMs(negative ? v.trim().slice(1) : v);
  if (ms === undefined || ms > MAX_TIMER_MS) {
    ctx.addIssue({
      code: 'custom',
      message: `bad offset ${JSON.stringify(v)}: use ms (a number, negative for behind) or a string like 5s, -500ms`,
    });
    return z.NEVER;
  }
  return (typeof v === 'number' ? v < 0 : negative) ? -ms : ms;
});

const namePattern = z.union([z.string().min(1), z.array(z.string().min(1)).min(1)]);

/** The zod shapes of the clock kinds, given the fields every fault shares. */
export function clockSchemas(shared: z.ZodRawShape) {
  const base = { ...shared, hosts: namePattern.optional() };
  return {
    'clock.skew': z.strictObject({
      kind: z.literal('clock.skew'),
      ...base,
      offsetMs: signedDuration,
    }),
    'clock.drift': z.strictObject({
      kind: z.literal('clock.drift'),
      ...base,
      rate: z
        .number()
        .gt(-1, 'a clock slower than stopped has no timers that fire: use a rate above -1')
        .max(100),
    }),
  };
}

/** The team's hosts, each with its own clock and the members it hosts. */
export interface ClockHosts {
  clocks: ReadonlyMap<string, SkewedClock>;
  /** Host name -> members. */
  hosts: ReadonlyMap<string, readonly string[]>;
}

/**
 * Applies a clock fault to the selected hosts' clocks: `clock.skew` / `clock.drift`, `phase:
 * on` (with `hosts`, the members on them in `actors`, `offsetMs` or `rate`) and `phase: off`
 * when it heals, stepping the clocks back to true time.
 */
export function applyClockFault(
  id: string,
  spec: ClockFaultSpec,
  where: ClockHosts,
  record: (event: FaultEventPayload) => void,
): AppliedFault {
  const matches = nameMatcher(spec.hosts);
  const hosts = [...where.hosts]
    .filter(([h, ms]) => matches(h) || ms.some(matches))
    .map(([h]) => h);
  const clocks = hosts.flatMap((h) => where.clocks.get(h) ?? []);
  const change =
    spec.kind === 'clock.skew' ? { offsetMs: spec.offsetMs ?? 0 } : { rate: spec.rate ?? 0 };
  for (const c of clocks) c.set(id, change);
  const about = {
    faultId: id,
    hosts,
    actors: hosts.flatMap((h) => where.hosts.get(h) ?? []),
    ...change,
  };
  record({ kind: 'fault', fault: spec.kind, phase: 'on', ...about });
  return {
    heal: () => {
      if (clocks.map((c) => c.remove(id)).some(Boolean)) {
        record({ kind: 'fault', fault: spec.kind, phase: 'off', ...about });
      }
      return Promise.resolve();
    },
  };
}
