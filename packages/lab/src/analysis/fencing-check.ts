import type { Finding } from '@llm-teams/runtime';
import type { TeamContext } from './team-context.js';

const epochOf = (e: unknown): number | undefined => {
  const v = (e as { epoch?: unknown }).epoch;
  return typeof v === 'number' ? v : undefined;
};

/**
 * Fencing: a worker that obeys a deposed leader. Task events of a led team (`claim`, `start`,
 * `done`) carry the epoch of the leader whose command they obey; a worker that has worked for
 * the leader of epoch e' and then takes a command of a lower epoch (claims, starts or
 * completes work for it) obeyed a leader it knew was deposed: a fenced worker refuses such a
 * command (`leader.fenced`), and the board refuses the write. Reported once per (worker,
 * task, epoch), with the event that showed the worker the newer epoch.
 */
export function checkFencing(ctx: TeamContext): Finding[] {
  const { events } = ctx.index;
  const findings: Finding[] = [];
  const newest = new Map<string, { epoch: number; at: number }>();
  const reported = new Set<string>();
  for (let i = 0; i < events.length; i++) {
    const e = events[i]!;
    if (e.kind !== 'task') continue;
    const epoch = epochOf(e);
    if (epoch === undefined) continue;
    const t = e;
    const known = newest.get(e.actor);
    if (!known || epoch > known.epoch) {
      newest.set(e.actor, { epoch, at: i });
      continue;
    }
    if (epoch === known.epoch || !['claim', 'start', 'done'].includes(t.phase)) continue;
    const key = `${e.actor}/${t.taskId}/${epoch}`;
    if (reported.has(key)) continue;
    reported.add(key);
    findings.push({
      checker: 'fencing',
      severity: 'error',
      verdict:
        `${e.actor} took ${t.taskId} (${t.phase}) on a command of the leader of epoch ${epoch} ` +
        `after working for the leader of epoch ${known.epoch}: a deposed leader was obeyed`,
      events: [known.at, i].map((k) => ctx.index.ref(k)),
      chain: [known.at, i].map((k) => ctx.index.ref(k)),
      details: { task: t.taskId, actor: e.actor, epoch, newerEpoch: known.epoch },
    });
  }
  return findings;
}
