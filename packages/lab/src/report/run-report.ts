import { mkdir, writeFile } from 'node:fs/promises';
import { dirname } from 'node:path';
import { CONFLICT_KINDS, type TaskSpan } from '../metrics/index.js';
import type { RunRecord } from '../run/index.js';
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

/** The page of one run: what it did, how long in model time, what it cost, what went wrong. */
export function buildRunReport(record: RunRecord, options: RunReportOptions = {}): ReportPage {
  const { spec, result, metrics: m } = record;
  const agents = m.agents.map((a) => a.id);
  const teamUsage = Object.values(result.usage.teams)[0]?.agents ?? {};
  const charts: NonNullable<ReportPage['sections'][number]['charts']> = [];
  if (options.spans && options.spans.length > 0) {
    const outcomes = [
      ...new Set(options.spans.map((s) => (s.backup ? `${s.outcome} (backup)` : s.outcome))),
    ];
    charts.push({
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
              data: options
                .spans!.filter((s) => (s.backup ? `${s.outcome} (backup)` : s.outcome) === o)
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
    });
  }
  charts.push(
    {
      id: 'chart-busy',
      title: 'Busy and idle model time per agent (s)',
      config: {
        type: 'bar',
        data: {
          labels: agents,
          datasets: [
            {
              label: 'busy',
              data: m.agents.map((a) => round(a.busyModelMs / 1000)),
              backgroundColor: '#1f77b4',
            },
            {
              label: 'idle',
              data: m.agents.map((a) => round(a.idleModelMs / 1000)),
              backgroundColor: '#c7c7c7',
            },
          ],
        },
        options: { scales: { x: { stacked: true }, y: { stacked: true } } },
      },
    },
    {
      id: 'chart-tokens',
      title: 'Tokens per agent',
      config: {
        type: 'bar',
        data: {
          labels: agents,
          datasets: [
            {
              label: 'input',
              data: agents.map((a) => teamUsage[a]?.inputTokens ?? 0),
              backgroundColor: '#9467bd',
            },
            {
              label: 'output',
              data: agents.map((a) => teamUsage[a]?.outputTokens ?? 0),
              backgroundColor: '#ff7f0e',
            },
          ],
        },
        options: { scales: { x: { stacked: true }, y: { stacked: true } } },
      },
    },
    {
      id: 'chart-messages',
      title: 'Messages by type',
      config: {
        type: 'bar',
        data: {
          labels: Object.keys(m.messages.byType),
          datasets: [
            {
              label: 'messages',
              data: Object.values(m.messages.byType),
              backgroundColor: PALETTE[0],
            },
          ],
        },
      },
    },
    {
      id: 'chart-conflicts',
      title: 'Consistency conflicts and failed test runs',
      config: {
        type: 'bar',
        data: {
          labels: [...CONFLICT_KINDS, 'failedTestRuns'],
          datasets: [
            {
              label: 'count',
              data: [...CONFLICT_KINDS.map((k) => m.conflicts[k]), m.testRuns.failed],
              backgroundColor: PALETTE[1],
            },
          ],
        },
      },
    },
  );
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
      { title: 'Charts', charts },
      {
        title: 'Numbers',
        tables: [
          {
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
          },
          {
            title: 'Tasks',
            columns: [
              'task',
              'status',
              'owner',
              'done at (model s)',
              'claims',
              'attempts (model s)',
            ],
            rows: result.tasks.map((t) => [
              t.id,
              t.status,
              t.owner ?? null,
              seconds(t.doneAtModel),
              t.claims,
              seconds(m.taskModelMs[t.id]),
            ]),
          },
        ],
      },
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
