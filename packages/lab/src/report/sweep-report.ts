import { mkdir, writeFile } from 'node:fs/promises';
import { dirname } from 'node:path';
import { CONFLICT_KINDS } from '../metrics/conflict-metrics.js';
import { amdahlBound } from '../metrics/scaling-bounds.js';
import type { CellSummary, SweepSummary } from '../sweep/sweep-summary.js';
import { paperFigures, type PaperFigure } from './paper-figures.js';
import { renderReportHtml, type ReportChart, type ReportPage } from './report-html.js';
import { PALETTE, archColor, avg, fmt, round, uniq } from './report-format.js';
import { comparisonTable, sweepTables } from './sweep-report-tables.js';

export interface SweepReportOptions {
  /** The paper's figures to compare against. Default: from the calibration file. */
  paper?: PaperFigure[];
  title?: string;
}

/** The paper's model name for ours: `sim:claude-sonnet-4-6` -> `claude-sonnet-4-6`. */
const bareModel = (model: string) => model.slice(model.indexOf(':') + 1);

function paperModelFor(
  models: readonly string[],
  paper: readonly PaperFigure[],
): string | undefined {
  const names = new Set(paper.map((f) => f.model));
  return models.map(bareModel).find((m) => names.has(m)) ?? paper[0]?.model;
}

function speedupChart(
  p: number,
  cells: readonly CellSummary[],
  paper: readonly PaperFigure[],
  paperModel: string | undefined,
): ReportChart {
  const at = cells.filter((c) => c.p === p && c.workload === 'fixed');
  const ns = uniq(at.map((c) => c.n)).sort((a, b) => a - b);
  const seriesOf = (c: CellSummary) => `${c.arch}\u0000${c.model}\u0000${c.mix ?? ''}`;
  const series = uniq(at.map(seriesOf));
  const manyModels = uniq(at.map((c) => `${c.model}\u0000${c.mix ?? ''}`)).length > 1;
  const datasets: unknown[] = series.map((s, i) => {
    const [arch, model, mix] = s.split('\u0000') as [string, string, string];
    return {
      label: manyModels ? `${arch} (${model}${mix ? ` + ${mix}` : ''})` : arch,
      data: ns.map((n) =>
        round(avg(at.filter((c) => seriesOf(c) === s && c.n === n).map((c) => c.speedup.mean))),
      ),
      borderColor: manyModels ? PALETTE[i % PALETTE.length] : archColor(arch, i),
      backgroundColor: manyModels ? PALETTE[i % PALETTE.length] : archColor(arch, i),
      borderWidth: 2.5,
      spanGaps: true,
    };
  });
  const dagP = avg(at.map((c) => c.dagP));
  datasets.push(
    {
      label: 'work-span bound min(n, T1/T∞)',
      data: ns.map((n) => round(avg(at.filter((c) => c.n === n).map((c) => c.workSpanBound.mean)))),
      borderColor: '#111',
      borderDash: [7, 4],
      pointRadius: 0,
      borderWidth: 1.5,
    },
    {
      label: `Amdahl bound (p = ${fmt(dagP, 2)})`,
      data: ns.map((n) => round(amdahlBound(dagP, n))),
      borderColor: '#777',
      borderDash: [2, 3],
      pointRadius: 0,
      borderWidth: 1.5,
    },
  );
  for (const arch of uniq(at.map((c) => c.arch))) {
    const figs = paper.filter((f) => f.arch === arch && f.model === paperModel && f.p === p);
    if (figs.length === 0) continue;
    datasets.push({
      label: `paper ${arch} (${paperModel})`,
      data: ns.map((n) => round(figs.find((f) => f.n === n)?.speedup)),
      borderColor: archColor(arch),
      backgroundColor: '#fff',
      borderDash: [4, 4],
      borderWidth: 1,
      pointStyle: 'triangle',
    });
  }
  return {
    id: `chart-speedup-p${String(p).replace('.', '')}`,
    title: `Speedup vs n, p = ${p}`,
    caption:
      "Mean over suites of the per-rep speedup T1 / T(n) in model time, with both bounds and the paper's measurements.",
    config: {
      type: 'line',
      data: { labels: ns.map(String), datasets },
      options: {
        scales: {
          x: { title: { display: true, text: 'agents n' } },
          y: { beginAtZero: true, title: { display: true, text: 'speedup' } },
        },
      },
    },
  };
}

/** Scaled workloads: work / makespan against n, per architecture, beside the line S = n. */
function scaledChart(cells: readonly CellSummary[]): ReportChart {
  const ns = uniq(cells.map((c) => c.n)).sort((a, b) => a - b);
  return {
    id: 'chart-scaled',
    title: 'Scaled speedup vs n (workload grows with n)',
    caption:
      "One copy of the suite's task graph per agent; speedup is the run's model work over its makespan (what one agent would take, over what the team took), mean over suites and p. Gustafson's law S = (1 - p) + p n is fitted per curve (tables).",
    config: {
      type: 'line',
      data: {
        labels: ns.map(String),
        datasets: [
          ...uniq(cells.map((c) => c.arch)).map((arch, i) => ({
            label: arch,
            data: ns.map((n) =>
              round(
                avg(cells.filter((c) => c.arch === arch && c.n === n).map((c) => c.speedup.mean)),
              ),
            ),
            borderColor: archColor(arch, i),
            backgroundColor: archColor(arch, i),
            borderWidth: 2.5,
            spanGaps: true,
          })),
          {
            label: 'S = n',
            data: ns,
            borderColor: '#111',
            borderDash: [7, 4],
            pointRadius: 0,
            borderWidth: 1.5,
          },
        ],
      },
      options: {
        scales: {
          x: { title: { display: true, text: 'agents n (and copies of the workload)' } },
          y: { beginAtZero: true, title: { display: true, text: 'scaled speedup' } },
        },
      },
    },
  };
}

/** In words: which of the paper's findings the rounds baselines reproduce, and how far ours
 *  move each. */
function findingsText(summary: SweepSummary): string {
  return summary.findings
    .map(
      (f) =>
        `${f.claim} ${f.reproduced === undefined ? '' : f.reproduced ? 'Reproduced by the rounds baselines' : 'Not reproduced by the rounds baselines'}: ${f.baseline}. Ours: ${f.ours}.`,
    )
    .join(' ');
}

/** In words: how messages per run grow with n, per architecture. */
function messageGrowthText(summary: SweepSummary): string {
  const parts = summary.messageGrowth.map(
    (g) => `${g.arch}${g.workload === 'scaled' ? ' (scaled workload)' : ''} ∝ n^${fmt(g.fit.b, 2)}`,
  );
  return parts.length === 0
    ? ''
    : `Messages per run against n, fitted as a n^b over each architecture's mean at each n: ${parts.join(', ')}. (The paper saw its decentralized teams' messages grow roughly with n².)`;
}

function byArchOverN(
  id: string,
  title: string,
  caption: string,
  cells: readonly CellSummary[],
  value: (c: CellSummary) => number | null | undefined,
): ReportChart {
  const ns = uniq(cells.map((c) => c.n)).sort((a, b) => a - b);
  return {
    id,
    title,
    caption,
    config: {
      type: 'line',
      data: {
        labels: ns.map(String),
        datasets: uniq(cells.map((c) => c.arch)).map((arch, i) => ({
          label: arch,
          data: ns.map((n) =>
            round(avg(cells.filter((c) => c.arch === arch && c.n === n).map(value))),
          ),
          borderColor: archColor(arch, i),
          backgroundColor: archColor(arch, i),
          spanGaps: true,
        })),
      },
      options: {
        scales: { x: { title: { display: true, text: 'agents n' } }, y: { beginAtZero: true } },
      },
    },
  };
}

/** Our cells with n > 1 and the paper's, token multiplier against speedup. */
function tokensSpeedupChart(
  archs: readonly string[],
  teams: readonly CellSummary[],
  paper: readonly PaperFigure[],
  paperModel: string | undefined,
  ps: readonly number[],
): ReportChart {
  return {
    id: 'chart-tokens-speedup',
    title: 'Token multiplier vs speedup',
    caption:
      "One point per cell with n > 1 (mean over reps); the paper's cells as triangles. Up and to the left is better.",
    config: {
      type: 'scatter',
      data: {
        datasets: [
          ...archs.map((arch, i) => ({
            label: arch,
            data: teams
              .filter((c) => c.arch === arch)
              .map((c) => ({ x: round(c.tokenMultiplier.mean), y: round(c.speedup.mean) }))
              .filter((pt) => pt.x !== null && pt.y !== null),
            backgroundColor: archColor(arch, i),
          })),
          ...archs.map((arch) => ({
            label: `paper ${arch}`,
            data: paper
              .filter(
                (f) => f.arch === arch && f.n > 1 && f.model === paperModel && ps.includes(f.p),
              )
              .map((f) => ({ x: round(f.tokenMultiplier), y: round(f.speedup) })),
            backgroundColor: '#fff',
            borderColor: archColor(arch),
            pointStyle: 'triangle',
            pointRadius: 5,
          })),
        ],
      },
      options: {
        scales: {
          x: { type: 'linear', title: { display: true, text: 'token multiplier vs n = 1' } },
          y: { beginAtZero: true, title: { display: true, text: 'speedup' } },
        },
      },
    },
  };
}

/** Mean conflicts and failed test runs per run, by architecture, over cells with n > 1. */
function conflictsChart(archs: readonly string[], teams: readonly CellSummary[]): ReportChart {
  const labels = [...CONFLICT_KINDS, 'failedTestRuns'];
  const perRun = (c: CellSummary, k: string) =>
    k === 'failedTestRuns'
      ? c.failedTestRuns.mean
      : c.conflicts[k as (typeof CONFLICT_KINDS)[number]].mean;
  return {
    id: 'chart-conflicts',
    title: 'Conflicts by architecture (mean per run, n > 1)',
    caption:
      'Consistency conflicts on happens-before and refused compare-and-sets (docs/metrics.md), and failed test runs.',
    config: {
      type: 'bar',
      data: {
        labels,
        datasets: archs.map((arch, i) => {
          const own = teams.filter((c) => c.arch === arch);
          return {
            label: arch,
            data: labels.map((k) => round(avg(own.map((c) => perRun(c, k))))),
            backgroundColor: archColor(arch, i),
          };
        }),
      },
      options: { scales: { y: { beginAtZero: true } } },
    },
  };
}

function overNCharts(cells: readonly CellSummary[]): ReportChart[] {
  return [
    byArchOverN(
      'chart-straggler',
      'Straggler gap vs n (fraction of makespan)',
      "Model time from the next-to-last agent's last completion to the end of the run, over the makespan; mean over suites and p.",
      cells,
      (c) => c.stragglerGapFraction.mean,
    ),
    byArchOverN(
      'chart-messages',
      'Messages per run vs n',
      'Logical messages (first attempts), mean over suites and p.',
      cells,
      (c) => c.messages.total.mean,
    ),
    byArchOverN(
      'chart-idle',
      'Idle fraction vs n',
      'Mean over agents of idle model time / makespan.',
      cells,
      (c) => c.idleFraction.mean,
    ),
  ];
}

const SCALING_TEXT =
  "Speedup is T1 / T(n) in model time, T1 from the n = 1 run with the same suite, p, architecture, model and seed. The work-span bound min(n, T1 / T∞) takes T∞ as the critical path of the DAG weighted by each task's model time in that n = 1 run; the Amdahl bound uses p of the DAG.";

/** The page of a sweep: the paper's main figure with both bounds, costs, conflicts, stragglers. */
export function buildSweepReport(
  summary: SweepSummary,
  options: SweepReportOptions = {},
): ReportPage {
  // The fixed-workload cells make the paper's figures; scaled ones have their own chart.
  const cells = summary.cells.filter((c) => c.workload === 'fixed');
  const scaled = summary.cells.filter((c) => c.workload === 'scaled');
  const paper = options.paper ?? paperFigures();
  const models = uniq(cells.map((c) => c.model));
  const paperModel = paperModelFor(models, paper);
  const archs = uniq(cells.map((c) => c.arch));
  const ps = uniq(cells.map((c) => c.p)).sort((a, b) => b - a);
  const teams = cells.filter((c) => c.n > 1);
  const ns = uniq(cells.map((c) => c.n)).sort((a, b) => a - b);
  return {
    title: options.title ?? 'Sweep report',
    subtitle: `${summary.completedRuns} of ${summary.runs} runs completed; generated ${summary.generatedAt}`,
    facts: [
      ['suites', uniq(cells.map((c) => c.suite)).join(', ')],
      ['p', ps.join(', ')],
      ['architectures', archs.join(', ')],
      ['models', models.join(', ')],
      ['n', ns.join(', ')],
      ...Object.entries(summary.incomplete).map(([k, v]): [string, string] => [
        `${k} runs`,
        String(v),
      ]),
    ],
    sections: [
      {
        title: 'Scaling',
        text: SCALING_TEXT,
        charts: [
          ...ps.map((p) => speedupChart(p, cells, paper, paperModel)),
          ...(scaled.length > 0 ? [scaledChart(scaled)] : []),
        ],
      },
      ...(summary.comparisons.length > 0
        ? [
            {
              title: "Against the paper's harness",
              text: `The rounds teams run the paper's harness on this runtime (lock-step rounds, file locks) on the same model draws as ours, seed for seed. ${findingsText(summary)}`,
              tables: [comparisonTable(summary)],
            },
          ]
        : []),
      {
        title: 'Cost, conflicts, stragglers',
        text: messageGrowthText(summary),
        charts: [
          tokensSpeedupChart(archs, teams, paper, paperModel, ps),
          conflictsChart(archs, teams),
          ...overNCharts(cells),
        ],
      },
      { title: 'Tables', tables: [...sweepTables(summary, paper, paperModel)] },
    ],
  };
}

export async function writeSweepReport(
  summary: SweepSummary,
  file: string,
  options: SweepReportOptions = {},
): Promise<void> {
  await mkdir(dirname(file), { recursive: true });
  await writeFile(file, renderReportHtml(buildSweepReport(summary, options)));
}
