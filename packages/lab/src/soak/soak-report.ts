/**
 * The chaos soak: N seeded runs one after another (soak-run.ts), and the table it prints and
 * writes as JSON (docs/soak.md).
 */
import { mkdir, writeFile } from 'node:fs/promises';
import { planSoakRun } from './soak-plan.js';
import { lostWriteCount, runSoakRun, type SoakRunOptions, type SoakRunResult } from './soak-run.js';

export interface SoakOptions extends SoakRunOptions {
  runs: number;
  seed: string;
  /** The first run's number (1-based, as the table shows it): a later run of a soak alone is
   *  the same team and faults as in the whole soak. Default 1. */
  from?: number;
  /** Called after each run (progress). */
  onRun?: (result: SoakRunResult, done: number) => void;
  /** Checked before each run: true stops the soak there (SIGINT). */
  stopped?: () => boolean;
}

export interface SoakSummary {
  runs: number;
  completed: number;
  lostWrites: number;
  duplicateCompletions: number;
  faultsInjected: number;
  faultsTraced: number;
  checkerErrors: number;
  wallMs: number;
}

export interface SoakReport {
  v: 1;
  seed: string;
  suite: string;
  timeScale: number;
  summary: SoakSummary;
  runs: SoakRunResult[];
}

export function summarize(runs: readonly SoakRunResult[]): SoakSummary {
  const sum = (f: (r: SoakRunResult) => number) => runs.reduce((n, r) => n + f(r), 0);
  return {
    runs: runs.length,
    completed: runs.filter((r) => r.completed).length,
    lostWrites: sum(lostWriteCount),
    duplicateCompletions: sum((r) => r.duplicateCompletions),
    faultsInjected: sum((r) => r.faults.injected),
    faultsTraced: sum((r) => r.faults.traced),
    checkerErrors: sum((r) => r.checkerErrors),
    wallMs: sum((r) => r.wallMs),
  };
}

/** Runs the soak; each run's files go to `outDir/run-NNN/`, the report to `outDir/soak.json`. */
export async function runSoak(options: SoakOptions): Promise<SoakReport> {
  await mkdir(options.outDir, { recursive: true });
  const runs: SoakRunResult[] = [];
  const first = (options.from ?? 1) - 1;
  for (let i = first; i < first + options.runs; i++) {
    if (options.stopped?.()) break;
    const result = await runSoakRun(planSoakRun({ seed: options.seed }, i), options);
    runs.push(result);
    options.onRun?.(result, runs.length);
  }
  const report: SoakReport = {
    v: 1,
    seed: options.seed,
    suite: options.suite ?? 'tiny',
    timeScale: options.timeScale ?? 0.02,
    summary: summarize(runs),
    runs,
  };
  await writeFile(`${options.outDir}/soak.json`, JSON.stringify(report, null, 2) + '\n');
  return report;
}

/** The table's columns, in order: `llm-teams soak` prints them, the JSON holds the same. */
export const SOAK_COLUMNS = [
  'run',
  'arch',
  'n',
  'faults',
  'status',
  'lost writes',
  'dup completions',
  'faults injected/traced',
  'checker errors',
  'wall s',
] as const;

function row(r: SoakRunResult): string[] {
  return [
    String(r.index + 1),
    r.arch,
    String(r.agents),
    r.families.join('+'),
    r.error !== undefined ? 'error' : r.status,
    String(lostWriteCount(r)),
    String(r.duplicateCompletions),
    `${r.faults.injected}/${r.faults.traced}`,
    String(r.checkerErrors),
    (r.wallMs / 1000).toFixed(1),
  ];
}

/** One line per run and a total line, columns padded. */
export function formatSoakTable(report: SoakReport): string {
  const s = report.summary;
  const total = [
    'total',
    '',
    '',
    '',
    `${s.completed}/${s.runs} completed`,
    String(s.lostWrites),
    String(s.duplicateCompletions),
    `${s.faultsInjected}/${s.faultsTraced}`,
    String(s.checkerErrors),
    (s.wallMs / 1000).toFixed(1),
  ];
  const rows = [[...SOAK_COLUMNS], ...report.runs.map(row), total];
  const widths = SOAK_COLUMNS.map((_, c) => Math.max(...rows.map((r) => r[c]!.length)));
  const line = (r: string[]) =>
    r
      .map((cell, c) => cell.padEnd(widths[c]!))
      .join('  ')
      .trimEnd();
  const problems = report.runs.flatMap((r) => [
    ...(r.error !== undefined ? [`run ${r.index + 1}: ${r.error}`] : []),
    ...(r.reason !== undefined && !r.completed ? [`run ${r.index + 1}: ${r.reason}`] : []),
    ...r.faults.missing.map((m) => `run ${r.index + 1}: untraced: ${m}`),
    ...(r.checkerErrors > 0
      ? [
          `run ${r.index + 1}: checker errors: ${Object.entries(r.checkerErrorsBy)
            .map(([c, n]) => `${c} ${n}`)
            .join(', ')} (${r.dir})`,
        ]
      : []),
  ]);
  return [...rows.map(line), ...problems].join('\n') + '\n';
}
