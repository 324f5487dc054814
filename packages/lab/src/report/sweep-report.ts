import { mkdir, writeFile } from 'node:fs/promises';
import { dirname } from 'node:path';
import { CONFLICT_KINDS, amdahlBound } from '../metrics/index.js';
import type { CellSummary, SweepSummary } from '../sweep/index.js';
import { paperFigures, type PaperFigure } from './paper-figures.js';
import { renderReportHtml, type ReportChart, type ReportPage } from './report-html.js';
import { PALETTE, archColor, avg, fmt, round, uniq } from './report-format.js';
import { sweepTables } from './sweep-report-tables.js';

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
  const at = cells.filter((c) => c.p === p);
  const ns = uniq(at.map((c) => c.n)).sort((a, b) => a - b);
  const series = uniq(at.map((c) => `${c.arch}\u0000${c.model}`));
  const manyModels = uniq(at.map((c) => c.model)).length > 1;
  const datasets: unknown[] = series.map((s, i) => {
    const [arch, model] = s.split('\u0000') as [string, string];
    return {
      label: manyModels ? `${arch} (${model})` : arch,
      data: ns.map((n) =>
        round(
          avg(
            at
              .filter((c) => c.arch === arch && c.model === model && c.n === n)
              .map((c) => c.speedup.mean),
          ),
        ),
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

/** The page of a sweep: the paper's main figure with both bounds, costs, conflicts, stragglers. */
export function buildSweepReport(
  summary: SweepSummary,
  options: SweepReportOptions = {},
): ReportPage {
  const cells = summary.cells;
  const paper = options.paper ?? paperFigures();
  const models = uniq(cells.map((c) => c.model));
  const paperModel = paperModelFor(models, paper);
  const archs = uniq(cells.map((c) => c.arch));
  const ps = uniq(cells.map((c) => c.p)).sort((a, b) => b - a);
  const teams = cells.filter((c) => c.n > 1);

  const scatter: ReportChart = {
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
  const conflictLabels = [...CONFLICT_KINDS, 'failedTestRuns'];
  const conflicts: ReportChart = {
    id: 'chart-conflicts',
    title: 'Conflicts by architecture (mean per run, n > 1)',
    caption:
      'Consistency conflicts on happens-before and refused compare-and-sets (docs/metrics.md), and failed test runs.',
    config: {
      type: 'bar',
      data: {
        labels: conflictLabels,
        datasets: archs.map((arch, i) => {
          const own = teams.filter((c) => c.arch === arch);
          return {
            label: arch,
            data: conflictLabels.map((k) =>
              round(
                avg(
                  own.map((c) =>
                    k === 'failedTestRuns'
                      ? c.failedTestRuns.mean
                      : c.conflicts[k as (typeof CONFLICT_KINDS)[number]].mean,
                  ),
                ),
              ),
            ),
            backgroundColor: archColor(arch, i),
          };
        }),
      },
      options: { scales: { y: { beginAtZero: true } } },
    },
  };

  return {
    title: options.title ?? 'Sweep report',
    subtitle: `${summary.completedRuns} of ${summary.runs} runs completed; generated ${summary.generatedAt}`,
    facts: [
      ['suites', uniq(cells.map((c) => c.suite)).join(', ')],
      ['p', ps.join(', ')],
      ['architectures', archs.join(', ')],
      ['models', models.join(', ')],
      [
        'n',
        uniq(cells.map((c) => c.n))
          .sort((a, b) => a - b)
          .join(', '),
      ],
      ...Object.entries(summary.incomplete).map(([k, v]): [string, string] => [
        `${k} runs`,
        String(v),
      ]),
    ],
    sections: [
      {
        title: 'Scaling',
        text: "Speedup is T1 / T(n) in model time, T1 from the n = 1 run with the same suite, p, architecture, model and seed. The work-span bound min(n, T1 / T∞) takes T∞ as the critical path of the DAG weighted by each task's model time in that n = 1 run; the Amdahl bound uses p of the DAG.",
        charts: ps.map((p) => speedupChart(p, cells, paper, paperModel)),
      },
      {
        title: 'Cost, conflicts, stragglers',
        charts: [
          scatter,
          conflicts,
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
        ],
      },
      {
        title: 'Tables',
        tables: [...sweepTables(summary, paper, paperModel)],
      },
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
