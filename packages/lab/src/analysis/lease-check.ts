import type { Finding } from '@llm-teams/runtime';
import type { TeamContext } from './team-context.js';

/**
 * Leases: a leader that finds its lease taken while the lease was still valid by its own
 * clock. Its holder writes `until` by its clock and leads until then; a candidate may take
 * the lease only once it has expired. A holder that learns of a takeover with time left on
 * its lease (`leader.lost` with `validForMs` above 0) was leading while another coordinator
 * led too: the candidate judged expiry by a clock ahead of the holder's (`lease-skew`). A
 * holder paused past its lease finds it expired (no finding: that takeover is legitimate,
 * and fencing is what stops the old leader's commands, `stale-leader`).
 */
export function checkLeases(ctx: TeamContext): Finding[] {
  const { events } = ctx.index;
  const findings: Finding[] = [];
  // The latest election of each coordinator, by trace position.
  const elected = new Map<string, { at: number; epoch: number }>();
  for (let i = 0; i < events.length; i++) {
    const e = events[i]!;
    if (e.kind !== 'mark') continue;
    if (e.name === 'leader.elected' && typeof e.epoch === 'number') {
      elected.set(e.actor, { at: i, epoch: e.epoch });
      continue;
    }
    if (e.name !== 'leader.lost' || typeof e.validForMs !== 'number' || e.validForMs <= 0) {
      continue;
    }
    const own = elected.get(e.actor);
    const taker = [...elected.entries()]
      .filter(([actor, x]) => actor !== e.actor && (!own || x.epoch > own.epoch))
      .sort((a, b) => b[1].at - a[1].at)[0];
    const by = taker ? ` (${taker[0]} took it with epoch ${taker[1].epoch})` : '';
    const refs = [...(taker ? [taker[1].at] : []), i];
    findings.push({
      checker: 'lease',
      severity: 'error',
      verdict:
        `${e.actor} lost its lease${own ? ` of epoch ${own.epoch}` : ''} ${Math.round(e.validForMs)} ms before it expired by its own clock${by}: ` +
        'two coordinators led at once (a lease taken by a clock ahead of its holder’s)',
      events: refs.map((k) => ctx.index.ref(k)),
      chain: refs.map((k) => ctx.index.ref(k)),
      details: {
        actor: e.actor,
        validForMs: e.validForMs,
        ...(own ? { epoch: own.epoch } : {}),
        ...(taker ? { takenBy: taker[0], newerEpoch: taker[1].epoch } : {}),
      },
    });
  }
  return findings;
}
