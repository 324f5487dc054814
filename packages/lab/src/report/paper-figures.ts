import { readFileSync } from 'node:fs';
import { PAPER_CALIBRATION_FILE } from '@llm-teams/agents';
import { amdahlBound } from '../metrics/scaling-bounds.js';

/** One row of the paper's measured runs (its public data set, averaged per cell). */
export interface PaperRun {
  mode: string;
  model: string;
  p: number;
  n: number;
  successfulRuns: number;
  meanWallClockSeconds: number;
  meanTokens: number;
  meanConcurrentWrites: number;
  meanRounds: number;
}

export interface PaperCalibration {
  source: string;
  taskSuites: { tasksPerSuite: number; criticalPathByP: Record<string, number>; suites: string[] };
  runs: PaperRun[];
}

/** A paper cell in our terms: speedup and token multiplier against its n = 1 cell. */
export interface PaperFigure {
  arch: 'centralized' | 'decentralized';
  model: string;
  p: number;
  n: number;
  speedup: number;
  tokenMultiplier: number;
  amdahlBound: number;
  /** min(n, tasks / critical path) for the paper's unit-size tasks. */
  workSpanBound: number;
  concurrentWrites: number;
}

/** The paper's mode names -> our architectures. (Its "preassigned" is our centralized.) */
const ARCH_OF: Record<string, PaperFigure['arch']> = {
  'centralized-preassigned': 'centralized',
  decentralized: 'decentralized',
};

/** Where the calibration lives: in packages/agents (so a clean clone has it), never ../shared. */
export function paperCalibrationPath(): string {
  return PAPER_CALIBRATION_FILE;
}

let cached: PaperCalibration | undefined;

export function loadPaperCalibration(file = paperCalibrationPath()): PaperCalibration {
  if (file === paperCalibrationPath() && cached) return cached;
  const data = JSON.parse(readFileSync(file, 'utf8')) as PaperCalibration;
  if (file === paperCalibrationPath()) cached = data;
  return data;
}

/** The paper's speedups and token multipliers per (arch, model, p, n). */
export function paperFigures(
  calibration: PaperCalibration = loadPaperCalibration(),
): PaperFigure[] {
  const tasks = calibration.taskSuites.tasksPerSuite;
  const figures: PaperFigure[] = [];
  for (const r of calibration.runs) {
    const arch = ARCH_OF[r.mode];
    if (!arch) continue;
    const base = calibration.runs.find(
      (b) => b.mode === r.mode && b.model === r.model && b.p === r.p && b.n === 1,
    );
    if (!base) continue;
    const span = calibration.taskSuites.criticalPathByP[String(r.p)] ?? tasks;
    figures.push({
      arch,
      model: r.model,
      p: r.p,
      n: r.n,
      speedup: base.meanWallClockSeconds / r.meanWallClockSeconds,
      tokenMultiplier: r.meanTokens / base.meanTokens,
      amdahlBound: amdahlBound(r.p, r.n),
      workSpanBound: Math.min(r.n, tasks / span),
      concurrentWrites: r.meanConcurrentWrites,
    });
  }
  return figures;
}
