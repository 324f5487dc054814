/**
 * Ours against the paper's harness in the same sweep. A `rounds` team (the paper's lock-step
 * harness with a pre-assigning lead) is the baseline of `centralized`, `rounds-claim` (its
 * self-claiming mode) that of `decentralized`. Runs pair by seed: with a simulated model every
 * task's draws are keyed by (seed, task), so a pair saw identical model draws, and the ratios
 * isolate what the architecture does with them.
 */
import { meanCi, meanOf, type MeanCi } from '../metrics/summary-statistics.js';
import { paperFigures, type PaperFigure } from '../report/paper-figures.js';
import type { RunRecord } from '../run/run-record.js';
import { mixLabel } from '../run/run-spec.js';
import type { CellSummary } from './sweep-cell.js';

/** Our architecture -> the baseline that stands for the paper's mode of it. */
export const BASELINE_OF: Readonly<Record<string, string>> = {
  centralized: 'rounds',
  decentralized: 'rounds-claim',
};

/** The paper's architecture whose figures a baseline reproduces. */
const PAPER_ARCH_OF: Readonly<Record<string, PaperFigure['arch']>> = {
  rounds: 'centralized',
  'rounds-claim': 'decentralized',
};

export interface Comparison {
  suite: string;
  p: number;
  model: string;
  mix?: string;
  n: number;
  /** Ours. */
  arch: string;
  baseline: string;
  /** Per seed, T(baseline) / T(ours): above 1, ours finished sooner on the same draws. */
  speedupOverBaseline: MeanCi;
  /** Per seed, tokens(ours) / tokens(baseline). */
  tokenRatio: MeanCi;
  ours: { speedup: number; tokenMultiplier: number };
  baselineCell: { speedup: number; tokenMultiplier: number };
  /** The paper's measurement of the mode the baseline stands for (same model, p, n). */
  paper?: { speedup: number; tokenMultiplier: number };
}

const completed = (r: RunRecord) => r.result.status === 'completed';
const at = (r: RunRecord) =>
  [r.spec.suite, r.spec.p, r.spec.model, mixLabel(r.spec.models) ?? '', r.result.agents].join(
    '\u0000',
  );
const bare = (model: string) => model.slice(model.indexOf(':') + 1);

/** Every (suite, p, model, mix, n) where one of ours and its baseline both completed runs. */
export function compareWithBaselines(
  records: readonly RunRecord[],
  cells: readonly CellSummary[],
  paper: readonly PaperFigure[] = paperFigures(),
): Comparison[] {
  const fixed = records.filter((r) => completed(r) && (r.spec.workload ?? 'fixed') === 'fixed');
  const index = new Map<string, RunRecord>();
  for (const r of fixed) index.set(`${at(r)}\u0000${r.spec.arch}\u0000${r.spec.seed}`, r);
  const cellOf = (
    c: { suite: string; p: number; model: string; mix?: string; n: number },
    arch: string,
  ) =>
    cells.find(
      (x) =>
        x.workload === 'fixed' &&
        x.arch === arch &&
        x.suite === c.suite &&
        x.p === c.p &&
        x.model === c.model &&
        x.mix === c.mix &&
        x.n === c.n,
    );
  const out: Comparison[] = [];
  const seen = new Set<string>();
  for (const r of fixed) {
    const baseline = BASELINE_OF[r.spec.arch];
    if (baseline === undefined) continue;
    const key = `${at(r)}\u0000${r.spec.arch}`;
    if (seen.has(key)) continue;
    seen.add(key);
    const ours = fixed.filter((o) => at(o) === at(r) && o.spec.arch === r.spec.arch);
    const pairs = ours.flatMap((o) => {
      const b = index.get(`${at(o)}\u0000${baseline}\u0000${o.spec.seed}`);
      return b ? [{ o, b }] : [];
    });
    if (pairs.length === 0) continue;
    const head = {
      suite: r.spec.suite,
      p: r.spec.p,
      model: r.spec.model,
      ...(mixLabel(r.spec.models) !== undefined ? { mix: mixLabel(r.spec.models)! } : {}),
      n: r.result.agents,
    };
    const mine = cellOf(head, r.spec.arch);
    const theirs = cellOf(head, baseline);
    const fig = paper.find(
      (f) =>
        f.arch === PAPER_ARCH_OF[baseline] &&
        f.model === bare(r.spec.model) &&
        f.p === r.spec.p &&
        f.n === r.result.agents,
    );
    out.push({
      ...head,
      arch: r.spec.arch,
      baseline,
      speedupOverBaseline: meanCi(
        pairs.map(({ o, b }) => b.result.makespanModelMs / o.result.makespanModelMs),
      ),
      tokenRatio: meanCi(pairs.map(({ o, b }) => o.metrics.tokens.total / b.metrics.tokens.total)),
      ours: {
        speedup: mine?.speedup.mean ?? Number.NaN,
        tokenMultiplier: mine?.tokenMultiplier.mean ?? Number.NaN,
      },
      baselineCell: {
        speedup: theirs?.speedup.mean ?? Number.NaN,
        tokenMultiplier: theirs?.tokenMultiplier.mean ?? Number.NaN,
      },
      ...(fig ? { paper: { speedup: fig.speedup, tokenMultiplier: fig.tokenMultiplier } } : {}),
    });
  }
  return out.sort(
    (a, b) =>
      a.suite.localeCompare(b.suite) || b.p - a.p || a.arch.localeCompare(b.arch) || a.n - b.n,
  );
}

export interface Finding {
  /** `below-amdahl`, `claim-below-preassign`, `tokens-grow`. */
  id: string;
  /** The paper's finding, as the report states it. */
  claim: string;
  /** What the rounds baselines show in this sweep. */
  baseline: string;
  /** What ours show, and by how much they move it. */
  ours: string;
  /** The baselines reproduce it (undefined without the runs to tell). */
  reproduced?: boolean;
}

const f2 = (x: number) => (Number.isFinite(x) ? x.toFixed(2) : '–');

/**
 * The paper's three findings checked on the baselines of a sweep, with how far our
 * architectures move each: speedups stay below the Amdahl bound; the self-claiming mode does
 * worse than pre-assignment; tokens grow with the team.
 */
export function paperFindings(cells: readonly CellSummary[]): Finding[] {
  const teams = cells.filter((c) => c.workload === 'fixed' && c.n > 1 && c.completed > 0);
  const of = (arch: string) => teams.filter((c) => c.arch === arch);
  const rounds = [...of('rounds'), ...of('rounds-claim')];
  const ours = [...of('centralized'), ...of('decentralized')];
  const findings: Finding[] = [];

  const efficiency = (cs: CellSummary[]) => meanOf(cs.map((c) => c.speedup.mean / c.amdahlBound));
  const below = (cs: CellSummary[]) =>
    cs.filter((c) => c.speedup.mean < c.amdahlBound).length / Math.max(1, cs.length);
  findings.push({
    id: 'below-amdahl',
    claim: 'Speedup stays below the Amdahl bound.',
    baseline:
      rounds.length === 0
        ? 'no rounds runs'
        : `${Math.round(100 * below(rounds))}% of the rounds cells are below it; speedup / Amdahl bound ${f2(efficiency(rounds))} on average`,
    ours:
      ours.length === 0
        ? 'no runs of ours'
        : `${Math.round(100 * below(ours))}% of ours are below it; speedup / Amdahl bound ${f2(efficiency(ours))} (${f2(efficiency(ours) - efficiency(rounds))} more)`,
    ...(rounds.length > 0 ? { reproduced: below(rounds) > 0.5 } : {}),
  });

  // Same (suite, p, model, mix, n): the self-claiming variant against the pre-assigning one.
  const paired = (claim: string, pre: string) =>
    of(claim).flatMap((c) => {
      const twin = of(pre).find(
        (x) =>
          x.suite === c.suite &&
          x.p === c.p &&
          x.model === c.model &&
          x.mix === c.mix &&
          x.n === c.n,
      );
      return twin ? [c.speedup.mean / twin.speedup.mean] : [];
    });
  const rc = paired('rounds-claim', 'rounds');
  const dc = paired('decentralized', 'centralized');
  findings.push({
    id: 'claim-below-preassign',
    claim: 'Self-claiming (decentralized) teams are slower than pre-assigned ones.',
    baseline:
      rc.length === 0
        ? 'no paired rounds and rounds-claim cells'
        : `rounds-claim reaches ${f2(meanOf(rc))}x the speedup of rounds (${rc.filter((x) => x < 1).length} of ${rc.length} cells below)`,
    ours:
      dc.length === 0
        ? 'no paired cells of ours'
        : `decentralized reaches ${f2(meanOf(dc))}x the speedup of centralized (${dc.filter((x) => x < 1).length} of ${dc.length} cells below)`,
    ...(rc.length > 0 ? { reproduced: meanOf(rc) < 1 } : {}),
  });

  const maxN = Math.max(0, ...teams.map((c) => c.n));
  const tokens = (cs: CellSummary[]) =>
    meanOf(cs.filter((c) => c.n === maxN).map((c) => c.tokenMultiplier.mean));
  findings.push({
    id: 'tokens-grow',
    claim: 'Tokens grow with the team: a team spends more than one agent on the same work.',
    baseline:
      rounds.length === 0
        ? 'no rounds runs'
        : `token multiplier at n = ${maxN}: ${f2(tokens(rounds))}`,
    ours:
      ours.length === 0
        ? 'no runs of ours'
        : `token multiplier at n = ${maxN}: ${f2(tokens(ours))} (${f2(tokens(rounds) - tokens(ours))} less)`,
    ...(rounds.length > 0 ? { reproduced: tokens(rounds) > 1.05 } : {}),
  });
  return findings;
}
