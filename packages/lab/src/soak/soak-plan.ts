/**
 * What one run of the chaos soak does, drawn from the soak's seed and the run's index: the
 * team (architecture, size) and a random mix of faults, as fault file entries
 * (docs/faults.md), so a run can be replayed with `llm-teams run --cluster 3 --faults`.
 */
import { createRandom, type Random } from '@llm-teams/runtime';
import { teamRoster } from '../faults/team-roster.js';

/** The fault families a soak run draws from (docs/soak.md). */
export const SOAK_FAULT_FAMILIES = [
  'agent',
  'drop',
  'duplicate',
  'reorder',
  'partition',
  'server',
] as const;
export type SoakFaultFamily = (typeof SOAK_FAULT_FAMILIES)[number];

export type SoakArch = 'centralized' | 'decentralized';

export interface SoakRunPlan {
  /** 0-based position in the soak. */
  index: number;
  /** The run's own seed (team, model, fault draws). */
  seed: string;
  arch: SoakArch;
  agents: number;
  /** The families drawn, in `SOAK_FAULT_FAMILIES` order. */
  families: SoakFaultFamily[];
  /** Fault file entries (`kind`, selectors, trigger, heal). */
  faults: Record<string, unknown>[];
}

export interface SoakPlanOptions {
  /** The soak's seed. */
  seed: string;
  /** Chance that a run gets a family. Default 0.5 (at least two families per run). */
  familyChance?: number;
  /** Server names of the three-node cluster. Default n1, n2, n3. */
  servers?: readonly string[];
}

const pick = <T>(random: Random, items: readonly T[]): T => items[random.int(items.length)]!;
const between = (random: Random, lo: number, hi: number) => lo + random.int(hi - lo + 1);

/** Both architectures, alternating; two to four workers. */
function team(random: Random, index: number): { arch: SoakArch; agents: number } {
  return { arch: index % 2 === 0 ? 'centralized' : 'decentralized', agents: between(random, 2, 4) };
}

function families(random: Random, chance: number): SoakFaultFamily[] {
  const drawn = SOAK_FAULT_FAMILIES.filter(() => random.next() < chance);
  // A mix, not a single fault: top up with families not drawn yet.
  while (drawn.length < 2) {
    const more = pick(
      random,
      SOAK_FAULT_FAMILIES.filter((f) => !drawn.includes(f)),
    );
    drawn.push(more);
  }
  return SOAK_FAULT_FAMILIES.filter((f) => drawn.includes(f));
}

/** One family's fault entry. Triggers count the team's messages, so every fault lands while
 *  the team works; heals are real ms. */
function faultOf(
  family: SoakFaultFamily,
  random: Random,
  members: { leader: string | undefined; all: string[] },
  servers: readonly string[],
): Record<string, unknown> {
  const after = () => ({ messages: between(random, 2, 16) });
  switch (family) {
    case 'agent': {
      // The leader a third of the time when the team has one.
      const target =
        members.leader !== undefined && random.int(3) === 0
          ? members.leader
          : pick(random, members.all);
      if (random.int(2) === 0) return { id: 'agent', kind: 'crash', target, after: after() };
      // A kill is healed (the actor restarted) half of the time; otherwise it stays down.
      return {
        id: 'agent',
        kind: 'kill',
        target,
        after: after(),
        ...(random.int(2) === 0 ? { healAfterMs: between(random, 200, 2000) } : {}),
      };
    }
    case 'drop':
      return { id: 'drop', kind: 'drop', probability: 0.1 };
    case 'duplicate':
      return { id: 'duplicate', kind: 'duplicate', probability: 0.05 };
    case 'reorder':
      return { id: 'reorder', kind: 'reorder', probability: 0.1, maxHoldMs: 500 };
    case 'partition':
      return {
        id: 'partition',
        kind: 'partition',
        // A bridge needs someone on each side of the one who bridges them.
        shape: pick(
          random,
          members.all.length >= 3 ? ['halves', 'isolate', 'bridge'] : ['halves', 'isolate'],
        ),
        after: after(),
        healAfterMs: between(random, 300, 2500),
      };
    case 'server':
      return {
        id: 'server',
        kind: 'server.kill',
        node: pick(random, servers),
        after: after(),
        healAfterMs: between(random, 500, 3000),
      };
  }
}

/** The plan of run `index` of a soak. */
export function planSoakRun(options: SoakPlanOptions, index: number): SoakRunPlan {
  const random = createRandom(`${options.seed}/soak/${index}`);
  const { arch, agents } = team(random.fork('team'), index);
  const roster = teamRoster({ arch, agents });
  const drawn = families(random.fork('families'), options.familyChance ?? 0.5);
  const faultRandom = random.fork('faults');
  const members = {
    leader: roster.coordinators[0],
    all: [...roster.coordinators, ...roster.workers],
  };
  const servers = options.servers ?? ['n1', 'n2', 'n3'];
  return {
    index,
    seed: `${options.seed}-${index}`,
    arch,
    agents,
    families: drawn,
    faults: drawn.map((f) => faultOf(f, faultRandom, members, servers)),
  };
}
