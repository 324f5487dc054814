import { z } from 'zod';
import type { WireFault, WireProxy } from '@llm-teams/broker';
import {
  durationSchema,
  nameMatcher,
  type FaultEventPayload,
  type NamePattern,
} from '@llm-teams/runtime';
import type { AppliedFault } from './applied-fault.js';

export const WIRE_FAULT_KINDS = [
  'wire.latency',
  'wire.bandwidth',
  'wire.partition',
  'wire.reset',
  'wire.half_open',
] as const;
export type WireFaultKind = (typeof WIRE_FAULT_KINDS)[number];

/** A fault on the TCP links between hosts and NATS servers (docs/faults.md, Wire faults). */
export interface WireFaultSpec {
  kind: WireFaultKind;
  /** Hosts it cuts or slows: host names, or members they host (globs). Default: every host. */
  hosts?: NamePattern;
  /** Servers (the cluster's node names, globs). Default: every server. */
  servers?: NamePattern;
  /** Default `both`. */
  direction?: 'both' | 'to-server' | 'to-host';
  /** `wire.latency`. */
  latencyMs?: number;
  /** `wire.latency`: each chunk's delay is drawn uniformly in latency ± jitter. Default 0. */
  jitterMs?: number;
  /** `wire.bandwidth`. */
  bytesPerSecond?: number;
  /** `wire.half_open`: the end left believing the connection is open. Default `host`. */
  side?: 'host' | 'server';
}

const namePattern = z.union([z.string().min(1), z.array(z.string().min(1)).min(1)]);

/** The zod shapes of the wire kinds, given the fields every fault shares. */
export function wireSchemas(shared: z.ZodRawShape) {
  const base = {
    ...shared,
    hosts: namePattern.optional(),
    servers: namePattern.optional(),
    direction: z.enum(['both', 'to-server', 'to-host']).optional(),
  };
  return {
    'wire.latency': z.strictObject({
      kind: z.literal('wire.latency'),
      ...base,
      latencyMs: durationSchema,
      jitterMs: durationSchema.optional(),
    }),
    'wire.bandwidth': z.strictObject({
      kind: z.literal('wire.bandwidth'),
      ...base,
      bytesPerSecond: z.number().positive().max(1e12),
    }),
    'wire.partition': z.strictObject({ kind: z.literal('wire.partition'), ...base }),
    'wire.reset': z.strictObject({ kind: z.literal('wire.reset'), ...base }),
    'wire.half_open': z.strictObject({
      kind: z.literal('wire.half_open'),
      ...base,
      side: z.enum(['host', 'server']).optional(),
    }),
  };
}

/** The hosts behind the wire proxy, each with the members it hosts. */
export interface WireHosts {
  proxy: WireProxy;
  /** Host name -> members. */
  hosts: ReadonlyMap<string, readonly string[]>;
  /** Server names, in the proxy's order. */
  servers: readonly string[];
}

/** The hosts a pattern selects: by host name, or by a member a host has. */
export function selectHosts(wire: WireHosts, pattern: NamePattern | undefined): string[] {
  const matches = nameMatcher(pattern);
  return [...wire.hosts].filter(([h, ms]) => matches(h) || ms.some(matches)).map(([h]) => h);
}

/**
 * Applies a wire fault through the proxy. A partition records `wire.partition` (`phase:
 * start`, the hosts, servers and the members they host in `actors`, so the checkers see an
 * outage) and `wire.partition.heal` (`phase: end`); latency and bandwidth `phase: on` / `off`;
 * a reset or a half-open closes the selected connections once (`connections`: how many).
 */
export function applyWireFault(
  id: string,
  spec: WireFaultSpec,
  wire: WireHosts,
  record: (event: FaultEventPayload) => void,
): AppliedFault {
  const hosts = selectHosts(wire, spec.hosts);
  const servers = wire.servers.filter(nameMatcher(spec.servers));
  const hostSet = new Set(hosts);
  const serverSet = new Set(servers);
  const actors = hosts.flatMap((h) => wire.hosts.get(h) ?? []);
  const direction = spec.direction ?? 'both';
  const where = { faultId: id, hosts, servers, actors, direction };
  const match = {
    id,
    hosts: (h: string) => hostSet.has(h),
    servers: (s: string) => serverSet.has(s),
    direction,
  };
  let effect: WireFault;
  switch (spec.kind) {
    case 'wire.latency':
      effect = {
        ...match,
        kind: 'latency',
        latencyMs: spec.latencyMs ?? 0,
        jitterMs: spec.jitterMs ?? 0,
      };
      break;
    case 'wire.bandwidth':
      effect = { ...match, kind: 'bandwidth', bytesPerSecond: spec.bytesPerSecond ?? Infinity };
      break;
    case 'wire.partition':
      effect = { ...match, kind: 'partition' };
      break;
    case 'wire.reset':
      effect = { ...match, kind: 'reset' };
      break;
    case 'wire.half_open':
      effect = { ...match, kind: 'half_open', side: spec.side ?? 'host' };
      break;
  }
  const { connections } = wire.proxy.add(effect);
  if (spec.kind === 'wire.reset' || spec.kind === 'wire.half_open') {
    record({
      kind: 'fault',
      fault: spec.kind,
      ...where,
      connections,
      ...(spec.kind === 'wire.half_open' ? { side: spec.side ?? 'host' } : {}),
    });
    return {};
  }
  const outage = spec.kind === 'wire.partition';
  const details =
    spec.kind === 'wire.latency'
      ? { latencyMs: spec.latencyMs, jitterMs: spec.jitterMs ?? 0 }
      : spec.kind === 'wire.bandwidth'
        ? { bytesPerSecond: spec.bytesPerSecond }
        : {};
  record({ kind: 'fault', fault: spec.kind, phase: outage ? 'start' : 'on', ...where, ...details });
  return {
    heal: () => {
      if (wire.proxy.remove(id)) {
        record({
          kind: 'fault',
          fault: outage ? `${spec.kind}.heal` : spec.kind,
          phase: outage ? 'end' : 'off',
          ...where,
        });
      }
      return Promise.resolve();
    },
  };
}
