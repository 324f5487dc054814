import { mkdir, writeFile } from 'node:fs/promises';
import { dirname } from 'node:path';
import { CONFLICT_KINDS } from '../metrics/conflict-metrics.js';
import type { TaskSpan } from '../metrics/trace-metrics.js';
import type { RunRecord } from '../run/run-record.js';
import { renderReportHtml, type ReportPage } from './report-html.js';
import { PALETTE, fmt, round, seconds } from './report-format.js';

export interface RunReportOptions {
  /** Task attempts from the trace (`taskSpans`), for the timeline. Default: no timeline. */
  spans?: readonly TaskSpan[];
}

const OUTCOME_COLORS: Record<TaskSpan['outcome'], string> = {
  done: '#2ca02c',
  fail: '#d62728',
  release: '#ff7f0e',
  open: '#9e9e9e',
};

type ReportChartSpec = NonNullable<ReportPage['sections'][number]['charts']>[number];
type ReportTableSpec = NonNullable<ReportPage['sections'][number]['tables']>[number];
type RunMetrics = RunRecord['metrics'];

const outcomeLabel = (s: TaskSpan) => (s.backup ? `${s.outcome} (backup)` : s.outcome);

/** Each attempt at a task as a bar on its agent's model clock. */
function timelineChart(spans: readonly TaskSpan[], agents: string[]): ReportChartSpec {
  const outcomes = [...new Set(spans.map(outcomeLabel))];
  return {
    id: 'chart-timeline',
    title: 'Task attempts per agent (model time, s)',
    width: 'full',
    caption:
      "Each bar is one attempt at a task, from its start to its done, fail or release, on the agent's model clock.",
    config: {
      type: 'bar',
      data: {
        labels: agents,
        datasets: outcomes.map((o) => {
          const base = o.replace(' (backup)', '') as TaskSpan['outcome'];
          return {
            label: o,
            data: spans
              .filter((s) => outcomeLabel(s) === o)
              .map((s) => ({
                x: [round(s.startModelMs / 1000), round(s.endModelMs / 1000)],
                y: s.actor,
                task: s.taskId,
              })),
            backgroundColor: OUTCOME_COLORS[base] ?? '#999',
            borderColor: '#333',
            borderWidth: 1,
            grouped: false,
            borderSkipped: false,
          };
        }),
      },
      options: {
        indexAxis: 'y',
        scales: { x: { type: 'linear', title: { display: true, text: 'model time (s)' } } },
      },
    },
  };
}

/** Two stacked series per agent. */
function stackedPerAgent(
  id: string,
  title: string,
  agents: string[],
  series: [label: string, data: (number | null)[], color: string][],
): ReportChartSpec {
  return {
    id,
    title,
    config: {
      type: 'bar',
      data: {
        labels: agents,
        datasets: series.map(([label, data, backgroundColor]) => ({
          label,
          data,
          backgroundColor,
        })),
      },
      options: { scales: { x: { stacked: true }, y: { stacked: true } } },
    },
  };
}

/** One series of counts. */
function countsChart(
  id: string,
  title: string,
  labels: string[],
  label: string,
  data: number[],
  color: string | undefined,
): ReportChartSpec {
  return {
    id,
    title,
    config: {
      type: 'bar',
      data: { labels, datasets: [{ label, data, backgroundColor: color }] },
    },
  };
}

function runCharts(record: RunRecord, options: RunReportOptions): ReportChartSpec[] {
  const { result, metrics: m } = record;
  const agents = m.agents.map((a) => a.id);
  const teamUsage = Object.values(result.usage.teams)[0]?.agents ?? {};
  return [
    ...(options.spans && options.spans.length > 0 ? [timelineChart(options.spans, agents)] : []),
    stackedPerAgent('chart-busy', 'Busy and idle model time per agent (s)', agents, [
      ['busy', m.agents.map((a) => round(a.busyModelMs / 1000)), '#1f77b4'],
      ['idle', m.agents.map((a) => round(a.idleModelMs / 1000)), '#c7c7c7'],
    ]),
    stackedPerAgent('chart-tokens', 'Tokens per agent', agents, [
      ['input', agents.map((a) => teamUsage[a]?.inputTokens ?? 0), '#9467bd'],
      ['output', agents.map((a) => teamUsage[a]?.outputTokens ?? 0), '#ff7f0e'],
    ]),
    countsChart(
      'chart-messages',
      'Messages by type',
      Object.keys(m.messages.byType),
      'messages',
      Object.values(m.messages.byType),
      PALETTE[0],
    ),
    countsChart(
      'chart-conflicts',
      'Consistency conflicts and failed test runs',
      [...CONFLICT_KINDS, 'failedTestRuns'],
      'count',
      [...CONFLICT_KINDS.map((k) => m.conflicts[k]), m.testRuns.failed],
      PALETTE[1],
    ),
  ];
}

function metricsTable(m: RunMetrics): ReportTableSpec {
  return {
    title: 'Metrics (docs/metrics.md)',
    columns: ['metric', 'value'],
    rows: [
      ['makespan (model s)', seconds(m.makespanModelMs)],
      ['work (model s)', seconds(m.workModelMs)],
      ['critical path T_inf (model s)', seconds(m.criticalPathModelMs)],
      ['DAG p (1 - span / work, unit tasks)', fmt(m.dag.p, 3)],
      ['LLM calls', m.llmCalls],
      ['input / output tokens', `${m.tokens.input} / ${m.tokens.output}`],
      ['messages (retries)', `${m.messages.total} (${m.messages.retries})`],
      ['idle fraction (mean over agents)', fmt(m.idleFraction, 3)],
      ['straggler gap (model s)', seconds(m.stragglerGapModelMs)],
      ['straggler gap / makespan', fmt(m.stragglerGapFraction, 3)],
      ...CONFLICT_KINDS.map((k): [string, number] => [k, m.conflicts[k]]),
      ['backup copies', m.backupClaims],
      ['test runs (failed)', `${m.testRuns.total} (${m.testRuns.failed})`],
      ['checker errors / warnings', `${m.checkers.errors} / ${m.checkers.warnings}`],
    ],
  };
}

function tasksTable({ result, metrics: m }: RunRecord): ReportTableSpec {
  return {
    title: 'Tasks',
    columns: ['task', 'status', 'owner', 'done at (model s)', 'claims', 'attempts (model s)'],
    rows: result.tasks.map((t) => [
      t.id,
      t.status,
      t.owner ?? null,
      seconds(t.doneAtModel),
      t.claims,
      seconds(m.taskModelMs[t.id]),
    ]),
  };
}

/** The page of one run: what it did, how long in model time, what it cost, what went wrong. */
export function buildRunReport(record: RunRecord, options: RunReportOptions = {}): ReportPage {
  const { spec, result, metrics: m } = record;
  return {
    title: `Run ${spec.suite} p=${spec.p} ${spec.arch} n=${result.agents}`,
    subtitle: `${result.status}${result.reason ? `: ${result.reason}` : ''} — model ${spec.model}, seed ${spec.seed}, team ${result.team}`,
    facts: [
      ['makespan', `${seconds(result.makespanModelMs)} s model time`],
      ['wall', `${seconds(result.wallMs)} s`],
      ['time scale', String(spec.timeScale)],
      ['tasks', `${m.tasks.done}/${m.tasks.declared} done`],
      ['critical path', `${m.dag.criticalPathTasks} tasks, ${seconds(m.criticalPathModelMs)} s`],
      ['tokens', `${m.tokens.input} in / ${m.tokens.output} out`],
      ['cost', `$${fmt(result.usage.run.costUsd, 3)}`],
      ['checker errors', String(m.checkers.errors)],
    ],
    sections: [
      { title: 'Charts', charts: runCharts(record, options) },
      { title: 'Numbers', tables: [metricsTable(m), tasksTable(record)] },
    ],
  };
}

export async function writeRunReport(
  record: RunRecord,
  file: string,
  options: RunReportOptions = {},
): Promise<void> {
  await mkdir(dirname(file), { recursive: true });
  await writeFile(file, renderReportHtml(buildRunReport(record, options)));
}
