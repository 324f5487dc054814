import type { Finding, MarkTrace } from '@llm-teams/runtime';
import type { TeamContext } from './team-context.js';

interface Vote {
  opens: number[];
  casts: number[];
  decisions: number[];
}

const voteIdOf = (e: MarkTrace): string | undefined => {
  const id = e['voteId'] ?? e['vote'];
  return typeof id === 'string' || typeof id === 'number' ? String(id) : undefined;
};
const valueOf = (e: MarkTrace, ...keys: string[]): string | undefined => {
  for (const k of keys) if (e[k] !== undefined) return JSON.stringify(e[k]);
  return undefined;
};
const electorateOf = (e: MarkTrace): number | undefined => {
  const el = e['electorate'];
  if (typeof el === 'number') return el;
  if (Array.isArray(el)) return el.length;
  return undefined;
};

/**
 * Votes, from marks: `vote.open { voteId, electorate? }` (a count or the voters' ids),
 * `vote.cast { voteId, value, voter? }` (voter defaults to the actor) and
 * `vote.decided { voteId, outcome, electorate? }`. Two findings:
 * - split decision: decisions of one vote with different outcomes;
 * - no majority: a decision whose outcome was not cast by a strict majority of the
 *   electorate among the casts in the decider's causal past (the decider could not have
 *   known of a majority). The electorate is the declared one, else everyone who cast.
 */
export function checkVotes(ctx: TeamContext): Finding[] {
  const { events } = ctx.index;
  const votes = new Map<string, Vote>();
  for (let i = 0; i < events.length; i++) {
    const e = events[i]!;
    if (e.kind !== 'mark' || !e.name?.startsWith('vote.')) continue;
    const id = voteIdOf(e);
    if (id === undefined) continue;
    let v = votes.get(id);
    if (!v) votes.set(id, (v = { opens: [], casts: [], decisions: [] }));
    if (e.name === 'vote.open') v.opens.push(i);
    else if (e.name === 'vote.cast') v.casts.push(i);
    else if (e.name === 'vote.decided') v.decisions.push(i);
  }
  const findings: Finding[] = [];
  for (const [id, v] of votes) {
    const outcome = (i: number) => valueOf(events[i] as MarkTrace, 'outcome', 'decision', 'value');
    const outcomes = new Map<string, number[]>();
    for (const d of v.decisions) {
      const o = outcome(d) ?? 'undefined';
      outcomes.set(o, [...(outcomes.get(o) ?? []), d]);
    }
    if (outcomes.size > 1) {
      const [a, b] = [...outcomes.values()].map((list) => list[0]!);
      const chain = ctx.clocks.causalChain(a!, b!) ?? ctx.clocks.causalChain(b!, a!);
      const parts = [...outcomes].map(
        ([o, list]) => `${o} by ${list.map((d) => events[d]!.actor).join(', ')}`,
      );
      findings.push({
        checker: 'split-vote',
        severity: 'error',
        verdict: `vote ${id} was decided two ways: ${parts.join('; ')}`,
        events: v.decisions.map((d) => ctx.index.ref(d)),
        ...(chain
          ? { chain: chain.map((i) => ctx.index.ref(i)) }
          : {
              noChain:
                'the deciders decided concurrently, each without knowing of the other decision',
            }),
        details: {
          voteId: id,
          outcomes: Object.fromEntries([...outcomes].map(([o, l]) => [o, l.length])),
        },
      });
    }
    if (v.casts.length === 0) continue;
    const declared = [...v.opens, ...v.decisions]
      .map((i) => electorateOf(events[i] as MarkTrace))
      .find((n) => n !== undefined);
    const voterOf = (c: number) => {
      const e = events[c] as MarkTrace;
      return typeof e['voter'] === 'string' ? e['voter'] : e.actor;
    };
    const electorate = declared ?? new Set(v.casts.map(voterOf)).size;
    for (const d of v.decisions) {
      const o = outcome(d);
      const known = v.casts.filter(
        (c) =>
          (c === d || ctx.clocks.happensBefore(c, d)) &&
          valueOf(events[c] as MarkTrace, 'value', 'choice') === o,
      );
      const supporters = new Set(known.map(voterOf));
      if (supporters.size * 2 > electorate) continue;
      const all = v.casts.filter((c) => valueOf(events[c] as MarkTrace, 'value', 'choice') === o);
      findings.push({
        checker: 'split-vote',
        severity: 'error',
        verdict: `${events[d]!.actor} decided vote ${id} as ${o ?? 'nothing'} with ${supporters.size} of ${electorate} votes for it in its causal past, not a majority`,
        events: [...known, d].map((i) => ctx.index.ref(i)),
        noChain:
          all.length > known.length
            ? `${all.length - known.length} votes for it were cast but had not reached ${events[d]!.actor}`
            : `only ${all.length} votes for it were ever cast`,
        details: { voteId: id, outcome: o, supporters: [...supporters], electorate },
      });
    }
  }
  return findings;
}
