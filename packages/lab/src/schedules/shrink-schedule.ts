import { stepsConflict, type ScheduleDeviation } from '@llm-teams/runtime';
import type { ScheduledRunOutcome } from './scheduled-team-run.js';

export interface ShrinkScheduleOptions {
  /** Runs the team under the default order plus these deviations (a guided strategy). */
  run(deviations: readonly ScheduleDeviation[]): Promise<ScheduledRunOutcome>;
  /** Whether an outcome still shows the failure being shrunk. */
  keeps(outcome: ScheduledRunOutcome): boolean;
  /** Team runs at most. Default 200. */
  maxRuns?: number;
  /** Candidates run at once. The result does not depend on it: of a batch, the first
   *  failing candidate in order wins. Default 4. */
  concurrency?: number;
  /** After each batch: runs used and the smallest failing schedule's size. */
  onStep?(step: { runs: number; best: number }): void;
}

export interface ShrinkResult {
  /** The smallest failing run found; its `deviations` and `choices` are the schedule. */
  outcome: ScheduledRunOutcome;
  runs: number;
  /** Every deviation left was tried without (1-minimal) within `maxRuns`. */
  minimal: boolean;
}

type Devs = readonly ScheduleDeviation[];

/**
 * Delta debugging (Zeller's ddmin) over a failing schedule's deviations from the default
 * order: reorderings and faults. First the deviations after the failure's last event are
 * cut (they cannot have caused it), then those whose two steps commute (`stepsConflict`). A candidate keeps a subset; the team runs under the
 * default order plus that subset (`createGuidedStrategy`); if the failure is still there,
 * the candidate's own recorded deviations (those that applied, never more) become the
 * schedule. Then each deviation left is tried without (1-minimality), and each drop of a
 * reordered message is tried as a delivery.
 */
export async function shrinkSchedule(
  failing: ScheduledRunOutcome,
  options: ShrinkScheduleOptions,
): Promise<ShrinkResult> {
  const maxRuns = options.maxRuns ?? 200;
  const width = Math.max(1, options.concurrency ?? 4);
  let best = failing;
  /** The deviations (read as ordering constraints) that reproduce `best`'s failure. */
  let cur: Devs = failing.deviations;
  let runs = 0;

  /** Runs candidates in batches; returns the first (in order) that still fails. */
  const firstFailing = async (
    candidates: Devs[],
  ): Promise<
    { outcome: ScheduledRunOutcome; devs: Devs; index: number; also: number[] } | undefined
  > => {
    for (let i = 0; i < candidates.length && runs < maxRuns; i += width) {
      const batch = candidates.slice(i, i + Math.min(width, maxRuns - runs));
      runs += batch.length;
      const outcomes = await Promise.all(batch.map((devs) => options.run(devs)));
      const hits = outcomes.flatMap((o, k) => (options.keeps(o) ? [k] : []));
      const k = hits[0];
      const kept =
        k === undefined
          ? undefined
          : { outcome: outcomes[k]!, devs: batch[k]!, index: i + k, also: hits.map((h) => i + h) };
      options.onStep?.({ runs, best: kept ? kept.devs.length : cur.length });
      if (kept) return kept;
    }
    return undefined;
  };
  /** Takes a failing candidate, cut at the failure. `anchor`: continue from its recorded
   *  deviations (which reproduce it exactly) when they are no more than it kept; else from
   *  the constraints it kept, which describe the race better than the switches that
   *  realised them. */
  let anchor = false;
  const adopt = async (o: ScheduledRunOutcome, devs: Devs) => {
    best = o;
    cur = anchor && o.deviations.length <= devs.length ? o.deviations : devs;
    const step = o.failureStep;
    const shorter = step === undefined ? cur : cur.filter((d) => d.index <= step);
    if (shorter.length < cur.length) {
      const kept = await firstFailing([shorter]);
      if (kept) {
        best = kept.outcome;
        cur = kept.devs;
      }
    }
  };

  /** ddmin over the deviations that `fixed` does not hold in place. */
  const ddmin = async (fixed: (d: ScheduleDeviation) => boolean) => {
    let n = 2;
    while (runs < maxRuns) {
      const movable = cur.filter((d) => !fixed(d));
      const keeping = (part: Devs) => cur.filter((d) => fixed(d) || part.includes(d));
      if (movable.length === 0) return;
      if (movable.length === 1) {
        const kept = await firstFailing([keeping([])]);
        if (kept) await adopt(kept.outcome, kept.devs);
        return;
      }
      const chunks = split(movable, n);
      // Complements first: dropping a small part of a schedule keeps a race far more often
      // than keeping only a small part of it. (With two halves they are the other half.)
      const complements =
        n > 2 ? chunks.map((c) => keeping(movable.filter((d) => !c.includes(d)))) : [];
      const kept = await firstFailing([...complements, ...chunks.map((c) => keeping(c))]);
      if (kept) {
        // Several complements of one batch still failing: their removals may combine.
        const removable = kept.also.filter((j) => j < complements.length).map((j) => chunks[j]!);
        const union =
          removable.length > 1
            ? await firstFailing([
                keeping(movable.filter((d) => !removable.some((c) => c.includes(d)))),
              ])
            : undefined;
        await adopt((union ?? kept).outcome, (union ?? kept).devs);
        n = kept.index >= complements.length ? 2 : Math.max(n - 1, 2);
      } else {
        if (n >= movable.length) return;
        n = Math.min(2 * n, movable.length);
      }
    }
  };

  await adopt(best, cur);
  const none = await firstFailing([[]]);
  if (none) return { outcome: none.outcome, runs, minimal: true };
  // A race is an order of conflicting steps: reorderings of steps that commute are removed
  // first, while every conflicting one is kept; then everything is shrunk.
  await ddmin((d) => d.action !== undefined || stepsConflict(d.step, d.fallback));
  await ddmin(() => false);
  // What is saved is a run's own deviations: minimise those.
  anchor = true;
  if (best.deviations.length < cur.length) cur = best.deviations;

  let minimal = false;
  while (runs < maxRuns) {
    const devs = cur;
    const fullPass = runs + devs.length <= maxRuns;
    const kept = await firstFailing(devs.map((d) => devs.filter((x) => x !== d)));
    if (!kept) {
      minimal = fullPass;
      break;
    }
    await adopt(kept.outcome, kept.devs);
  }
  // A message that was both reordered and dropped may need the reordering only.
  const undrop = cur
    .filter((d) => d.action !== undefined && d.step !== d.fallback)
    .map((d) => cur.map((x) => (x === d ? { ...d, action: undefined } : x)));
  if (undrop.length > 0) {
    const kept = await firstFailing(undrop);
    if (kept) await adopt(kept.outcome, kept.devs);
  }
  return { outcome: best, runs, minimal };
}

function split<T>(items: readonly T[], n: number): T[][] {
  const out: T[][] = [];
  const size = Math.ceil(items.length / n);
  for (let i = 0; i < items.length; i += size) out.push(items.slice(i, i + size));
  return out;
}
