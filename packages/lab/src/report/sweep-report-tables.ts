import { CONFLICT_KINDS } from '../metrics/conflict-metrics.js';
import type { SweepSummary } from '../sweep/sweep-summary.js';
import type { PaperFigure } from './paper-figures.js';
import type { ReportTable } from './report-html.js';
import { avg, fmt, fmtCi, seconds, uniq } from './report-format.js';

/** Ours over the rounds baselines, pair by pair (same seeds, so the same model draws). */
export function comparisonTable(summary: SweepSummary): ReportTable {
  return {
    title: "Ours over the paper's harness on the same draws",
    caption:
      "Speedup over baseline: per seed T(rounds) / T(ours), mean ± 95% CI; token ratio: tokens(ours) / tokens(rounds). rounds pre-assigns (the paper's centralized-preassigned), rounds-claim self-claims (its decentralized); the paper's columns are its own measurements of that mode.",
    columns: [
      'suite',
      'p',
      'n',
      'ours',
      'baseline',
      'speedup over baseline',
      'token ratio',
      'our speedup',
      'baseline speedup',
      'paper speedup',
      'our token mult.',
      'baseline token mult.',
      'paper token mult.',
    ],
    rows: summary.comparisons.map((c) => [
      c.suite,
      c.p,
      c.n,
      c.mix ? `${c.arch} (${c.mix})` : c.arch,
      c.baseline,
      fmtCi(c.speedupOverBaseline),
      fmtCi(c.tokenRatio),
      fmt(c.ours.speedup),
      fmt(c.baselineCell.speedup),
      fmt(c.paper?.speedup),
      fmt(c.ours.tokenMultiplier),
      fmt(c.baselineCell.tokenMultiplier),
      fmt(c.paper?.tokenMultiplier),
    ]),
  };
}

/** Our speedup, bound and token multiplier per (arch, p, n), fixed workload, beside the paper's. */
function paperTable(
  summary: SweepSummary,
  paper: readonly PaperFigure[],
  paperModel: string | undefined,
): ReportTable {
  const cells = summary.cells.filter((c) => c.workload === 'fixed');
  const archs = uniq(cells.map((c) => c.arch));
  const ps = uniq(cells.map((c) => c.p)).sort((a, b) => b - a);
  const paperRows = ps.flatMap((p) =>
    archs.flatMap((arch) =>
      uniq(cells.filter((c) => c.p === p && c.arch === arch).map((c) => c.n))
        .sort((a, b) => a - b)
        .map((n) => {
          const ours = cells.filter((c) => c.p === p && c.arch === arch && c.n === n);
          const s = avg(ours.map((c) => c.speedup.mean));
          const b = avg(ours.map((c) => c.workSpanBound.mean));
          const f = paper.find(
            (x) => x.arch === arch && x.model === paperModel && x.p === p && x.n === n,
          );
          return [
            arch,
            p,
            n,
            fmt(s),
            fmt(b),
            fmt(s / b),
            fmt(avg(ours.map((c) => c.tokenMultiplier.mean))),
            fmt(f?.speedup),
            fmt(f?.workSpanBound),
            fmt(f ? f.speedup / f.workSpanBound : undefined),
            fmt(f?.tokenMultiplier),
          ];
        }),
    ),
  );
  return {
    title: `Ours next to the paper's (${paperModel ?? 'no paper model'})`,
    caption:
      'Ours: mean over suites. Paper: arXiv:2603.12229 public data, wall-clock speedup and tokens against its own n = 1 runs; its bound is min(n, 20 / critical path).',
    columns: [
      'arch',
      'p',
      'n',
      'speedup',
      'work-span bound',
      'speedup / bound',
      'token mult.',
      'paper speedup',
      'paper bound',
      'paper speedup / bound',
      'paper token mult.',
    ],
    rows: paperRows,
  };
}

/** Amdahl, USL and Gustafson fits and message growth, curve by curve. */
function fitsTable(summary: SweepSummary): ReportTable {
  return {
    title: 'Fits per curve',
    caption:
      'Gustafson p only for scaled workloads (one copy of the task graph per agent). Messages: extra messages per added agent (slope) and the exponent b of a n^b.',
    columns: [
      'suite',
      'p',
      'arch',
      'model',
      'workload',
      'DAG p',
      'Amdahl p',
      'rmse',
      'USL σ',
      'USL κ',
      'rmse',
      'Gustafson p',
      'rmse',
      'messages / agent',
      'messages ∝ n^b',
    ],
    rows: summary.curves.map((c) => [
      c.suite,
      c.p,
      c.arch,
      c.mix ? `${c.model} + ${c.mix}` : c.model,
      c.workload,
      fmt(c.dagP, 3),
      fmt(c.amdahl?.p, 3),
      fmt(c.amdahl?.rmse, 3),
      fmt(c.usl?.sigma, 4),
      fmt(c.usl?.kappa, 4),
      fmt(c.usl?.rmse, 3),
      fmt(c.gustafson?.p, 3),
      fmt(c.gustafson?.rmse, 3),
      fmt(c.messageGrowthPerAgent, 2),
      fmt(c.messagePowerLaw?.b, 2),
    ]),
  };
}

function messageGrowthTable(summary: SweepSummary): ReportTable {
  return {
    title: 'Message growth by architecture',
    caption:
      "Mean messages per run over the architecture's cells at each n, fitted as a n^b (b = 1: linear in n, b = 2: quadratic).",
    columns: ['arch', 'workload', 'b', 'a', 'messages at n = 1, 2, ...'],
    rows: summary.messageGrowth.map((g) => [
      g.arch,
      g.workload,
      fmt(g.fit.b, 2),
      fmt(g.fit.a, 1),
      g.points.map((pt) => `${pt.n}: ${fmt(pt.messages, 1)}`).join(', '),
    ]),
  };
}

/** Every cell, workload and mix included. */
function cellsTable(summary: SweepSummary): ReportTable {
  return {
    title: 'Cells (mean ± 95% CI over reps)',
    columns: [
      'suite',
      'p',
      'arch',
      'model',
      'n',
      'runs',
      'done',
      'makespan (model s)',
      'speedup',
      'Amdahl',
      'work-span',
      'eff. A',
      'eff. WS',
      'tokens in',
      'tokens out',
      'token mult.',
      'S / mult.',
      'messages',
      'idle',
      'idle, task ready',
      'vs list schedule',
      'straggler',
      'conflicts',
      'failed tests',
    ],
    rows: summary.cells.map((c) => [
      c.suite,
      c.p,
      c.arch,
      `${c.mix ? `${c.model} + ${c.mix}` : c.model}${c.workload === 'scaled' ? ' (scaled)' : ''}`,
      c.n,
      c.runs,
      c.completed,
      fmtCi(
        c.makespanModelMs
          ? {
              ...c.makespanModelMs,
              mean: c.makespanModelMs.mean / 1000,
              ci95: c.makespanModelMs.ci95 / 1000,
            }
          : undefined,
        1,
      ),
      fmtCi(c.speedup),
      fmt(c.amdahlBound),
      fmtCi(c.workSpanBound),
      fmt(c.efficiencyAmdahl),
      fmt(c.efficiencyWorkSpan),
      fmt(c.tokens.input.mean, 0),
      fmt(c.tokens.output.mean, 0),
      fmtCi(c.tokenMultiplier),
      fmt(c.speedupPerTokenMultiplier),
      fmt(c.messages.total.mean, 1),
      fmt(c.idleFraction.mean),
      fmt(c.schedule.idleWhileReady.mean),
      fmt(c.schedule.listScheduleEfficiency.mean),
      seconds(c.stragglerGapModelMs.mean),
      fmt(avg(CONFLICT_KINDS.map((k) => c.conflicts[k].mean)) * CONFLICT_KINDS.length, 2),
      fmt(c.failedTestRuns.mean, 1),
    ]),
  };
}

/** The sweep report's tables: ours next to the paper's, the fits per curve, every cell. */
export function sweepTables(
  summary: SweepSummary,
  paper: readonly PaperFigure[],
  paperModel: string | undefined,
): ReportTable[] {
  return [
    paperTable(summary, paper, paperModel),
    fitsTable(summary),
    messageGrowthTable(summary),
    cellsTable(summary),
  ];
}
