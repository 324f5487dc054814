import { CONFLICT_KINDS } from '../metrics/index.js';
import type { SweepSummary } from '../sweep/index.js';
import type { PaperFigure } from './paper-figures.js';
import type { ReportTable } from './report-html.js';
import { avg, fmt, fmtCi, seconds, uniq } from './report-format.js';

/** The sweep report's tables: ours next to the paper's, the fits per curve, every cell. */
export function sweepTables(
  summary: SweepSummary,
  paper: readonly PaperFigure[],
  paperModel: string | undefined,
): ReportTable[] {
  const cells = summary.cells;
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

  return [
    {
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
    },
    {
      title: 'Fits per curve',
      columns: [
        'suite',
        'p',
        'arch',
        'model',
        'DAG p',
        'Amdahl p',
        'rmse',
        'USL σ',
        'USL κ',
        'rmse',
        'messages / agent',
      ],
      rows: summary.curves.map((c) => [
        c.suite,
        c.p,
        c.arch,
        c.model,
        fmt(c.dagP, 3),
        fmt(c.amdahl?.p, 3),
        fmt(c.amdahl?.rmse, 3),
        fmt(c.usl?.sigma, 4),
        fmt(c.usl?.kappa, 4),
        fmt(c.usl?.rmse, 3),
        fmt(c.messageGrowthPerAgent, 2),
      ]),
    },
    {
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
        'straggler',
        'conflicts',
        'failed tests',
      ],
      rows: cells.map((c) => [
        c.suite,
        c.p,
        c.arch,
        c.model,
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
        seconds(c.stragglerGapModelMs.mean),
        fmt(avg(CONFLICT_KINDS.map((k) => c.conflicts[k].mean)) * CONFLICT_KINDS.length, 2),
        fmt(c.failedTestRuns.mean, 1),
      ]),
    },
  ];
}
