import type { RunningTeam } from '@llm-teams/agents';
import { createSkewedClock, type SkewedClock, type VirtualClock } from '@llm-teams/runtime';

/**
 * Each member reads its own clock: the virtual one until a `jump` fault puts it ahead (the
 * jump is marked in the member's lane once the team runs).
 */
export function createMemberClocks(clock: VirtualClock, running: () => RunningTeam | undefined) {
  const memberClocks = new Map<string, SkewedClock>();
  let jumps = 0;
  const clockOf = (member: string) => {
    let c = memberClocks.get(member);
    if (!c) memberClocks.set(member, (c = createSkewedClock(clock)));
    return c;
  };
  const jump = (actor: string, ms: number) => {
    const c = clockOf(actor);
    c.set(`jump${++jumps}`, { offsetMs: ms });
    running()
      ?.host.actor(actor)
      ?.runtime.record({ kind: 'mark', name: 'sched.jump', byMs: ms, aheadMs: c.errorMs });
  };
  return { clockOf, jump };
}
