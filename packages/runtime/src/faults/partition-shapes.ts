import type { Random } from '../random.js';
import type { MessageFaultSpec } from './fault-spec.js';

type PartitionSpec = Extract<MessageFaultSpec, { kind: 'partition' }>;

/** A partition laid out: its components and who is cut from whom. */
export interface PartitionLayout {
  /** Components; messages between two of them are cut. */
  groups: string[][];
  /** `bridge`: the actor that still talks to both halves. */
  bridge?: string;
  oneWay: boolean;
  /** Whether a message from `from` to `to` crosses the partition (in a cut direction). */
  cuts(from: string, to: string): boolean;
}

function shuffled(list: readonly string[], random: Random): string[] {
  const out = [...list];
  for (let i = out.length - 1; i > 0; i--) {
    const j = random.int(i + 1);
    [out[i], out[j]] = [out[j]!, out[i]!];
  }
  return out;
}

/**
 * Lays out a partition the way Jepsen's nemeses do: `halves` shuffles the actors and cuts them
 * into two halves (the first one smaller when odd), `isolate` cuts one actor (the target, else a
 * seeded pick) from the rest, `bridge` cuts two halves but keeps one actor (the target, else a
 * seeded pick) connected to both, `groups` cuts every pair of the given groups. With `oneWay`
 * only messages from the first component to the others are lost; replies still flow.
 */
export function layoutPartition(spec: PartitionSpec, random: Random): PartitionLayout {
  const actors = spec.actors ?? [];
  let groups: string[][];
  let bridge: string | undefined;
  if (spec.shape === 'groups') groups = (spec.groups ?? []).map((g) => [...g]);
  else if (spec.shape === 'isolate') {
    const target = spec.target ?? actors[random.int(actors.length)]!;
    groups = [[target], actors.filter((a) => a !== target)];
  } else if (spec.shape === 'bridge') {
    bridge = spec.target ?? actors[random.int(actors.length)]!;
    const rest = shuffled(
      actors.filter((a) => a !== bridge),
      random,
    );
    const half = Math.floor(rest.length / 2);
    groups = [rest.slice(0, half), rest.slice(half)];
  } else {
    const all = shuffled(actors, random);
    const half = Math.floor(all.length / 2);
    groups = [all.slice(0, half), all.slice(half)];
  }
  const groupOf = new Map<string, number>();
  groups.forEach((g, i) => g.forEach((a) => groupOf.set(a, i)));
  const oneWay = spec.oneWay ?? false;
  return {
    groups,
    ...(bridge !== undefined ? { bridge } : {}),
    oneWay,
    cuts(from, to) {
      const a = groupOf.get(from);
      const b = groupOf.get(to);
      if (a === undefined || b === undefined || a === b) return false;
      return !oneWay || a === 0;
    },
  };
}
