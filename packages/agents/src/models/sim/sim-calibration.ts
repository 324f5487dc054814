import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { ModelError } from '../model-error.js';

/** One model's entry in `calibration/paper-2603.12229.json`. */
export interface CalibratedModel {
  provider: string;
  replyLatencySeconds: {
    p10: number;
    p25: number;
    p50: number;
    p75: number;
    p90: number;
    p99: number;
  };
  replyLatencyMeanSeconds: number;
  inputTokensPerReplyMedian: number;
  outputTokensPerReplyMedian: number;
  failedTestRunsPerSuccessfulRun_preassign_nolead: number;
  failedTestRunsPerSuccessfulRun_decentralized: number;
}

interface CalibrationFile {
  taskSuites: { tasksPerSuite: number };
  models: Record<string, CalibratedModel>;
}

/** Kept in the repository (not ../shared) so a clean clone runs. */
const CALIBRATION_URL = new URL('../../../calibration/paper-2603.12229.json', import.meta.url);

/** The paper's calibration data (shipped in the package's calibration/ directory). */
export const PAPER_CALIBRATION_FILE = fileURLToPath(CALIBRATION_URL);

let cached: CalibrationFile | undefined;
function calibration(): CalibrationFile {
  cached ??= JSON.parse(readFileSync(CALIBRATION_URL, 'utf8')) as CalibrationFile;
  return cached;
}

export function simModelNames(): string[] {
  return Object.keys(calibration().models);
}

/** Sampling functions of one simulated model; every `u` is a uniform draw in [0, 1). */
export interface SimProfile {
  name: string;
  /** Reply latency in ms at quantile u. */
  latencyMs(u: number): number;
  /** Output tokens at quantile u (drawn with the latency's u: long replies are slow ones). */
  outputTokens(u: number): number;
  inputTokens(u: number): number;
  /** Probability that a fresh version of a task's files fails its tests. */
  mistakeRate(profile: 'preassign' | 'decentralized'): number;
}

/** Inverse of the standard normal CDF (Acklam's rational approximation, |error| < 1.2e-9). */
export function normalQuantile(p: number): number {
  const a = [
    -39.69683028665376, 220.9460984245205, -275.9285104469687, 138.357751867269, -30.66479806614716,
    2.506628277459239,
  ];
  const b = [
    -54.47609879822406, 161.5858368580409, -155.6989798598866, 66.80131188771972,
    -13.28068155288572,
  ];
  const c = [
    -0.007784894002430293, -0.3223964580411365, -2.400758277161838, -2.549732539343734,
    4.374664141464968, 2.938163982698783,
  ];
  const d = [0.007784695709041462, 0.3224671290700398, 2.445134137142996, 3.754408661907416];
  const [a0, a1, a2, a3, a4, a5] = a as [number, number, number, number, number, number];
  const [b0, b1, b2, b3, b4] = b as [number, number, number, number, number];
  const [c0, c1, c2, c3, c4, c5] = c as [number, number, number, number, number, number];
  const [d0, d1, d2, d3] = d as [number, number, number, number];
  const low = 0.02425;
  if (p < low) {
    const q = Math.sqrt(-2 * Math.log(p));
    return (
      (((((c0 * q + c1) * q + c2) * q + c3) * q + c4) * q + c5) /
      ((((d0 * q + d1) * q + d2) * q + d3) * q + 1)
    );
  }
  if (p > 1 - low) {
    const q = Math.sqrt(-2 * Math.log(1 - p));
    return (
      -(((((c0 * q + c1) * q + c2) * q + c3) * q + c4) * q + c5) /
      ((((d0 * q + d1) * q + d2) * q + d3) * q + 1)
    );
  }
  const q = p - 0.5;
  const r = q * q;
  return (
    ((((((a0 * r + a1) * r + a2) * r + a3) * r + a4) * r + a5) * q) /
    (((((b0 * r + b1) * r + b2) * r + b3) * r + b4) * r + 1)
  );
}

/**
 * Inverse CDF through the calibrated percentiles, linear in log-latency between them (the
 * distributions are right-skewed over 1.5 orders of magnitude). Below p10 the first segment's
 * log-slope continues to u = 0; above p99 it is flat, so the tail stays bounded. Its mean is
 * within 1-11% of the calibrated means (docs/models.md).
 */
export function percentileCurve(
  points: readonly (readonly [number, number])[],
): (u: number) => number {
  const knots = points.map(([u, v]) => [u, Math.log(v)] as const);
  return (u) => {
    const first = knots[0];
    const second = knots[1];
    const last = knots[knots.length - 1];
    if (first === undefined || second === undefined || last === undefined) {
      throw new Error('percentileCurve needs two points or more');
    }
    if (u <= first[0]) {
      const slope = (second[1] - first[1]) / (second[0] - first[0]);
      return Math.exp(first[1] + (Math.max(0, u) - first[0]) * slope);
    }
    if (u >= last[0]) return Math.exp(last[1]);
    for (let i = 1; i < knots.length; i++) {
      const hi = knots[i];
      const lo = knots[i - 1];
      if (hi !== undefined && lo !== undefined && u <= hi[0]) {
        return Math.exp(lo[1] + ((u - lo[0]) / (hi[0] - lo[0])) * (hi[1] - lo[1]));
      }
    }
    return Math.exp(last[1]);
  };
}

/**
 * What the simulation needs and the paper does not measure, set by judgement and documented in
 * docs/models.md (Assumptions). With the paper's data file this is the simulation's whole
 * calibration; every entry can be overridden per run (`SimOptions`).
 */
export const SIM_ASSUMPTIONS = {
  /** Spread (log-σ) of input tokens around the calibrated median: only the median is
   *  published, and prompts vary less than replies (mostly the same spec and board). */
  inputSigma: 0.35,
  /** Quantile splitting the calibrated reply distribution: coordination replies draw below it,
   *  coding replies above (half of the paper's replies wrote code). */
  coordinationQuantile: 0.5,
  /** Failed test runs of one task after which the next version is right (keeps an unlucky
   *  seed from looping). */
  maxMistakesPerTask: 8,
  /** A reviewer approves a wrong version with this probability (it misses the bug)... */
  reviewFalseAcceptRate: 0.1,
  /** ...and rejects a right one with this (it misreads it). The paper had no reviewers. */
  reviewFalseRejectRate: 0.05,
  /** Input tokens a request costs per character of teammates' messages it carries, on top of
   *  the calibrated draw (which is a request's own context): ~4 characters a token. */
  peerTokensPerChar: 0.25,
} as const;

export function simProfile(name: string): SimProfile {
  const cal = calibration();
  const m = cal.models[name];
  if (m === undefined) {
    throw new ModelError(
      'UNKNOWN_MODEL',
      `Unknown simulated model "${name}". Known: ${simModelNames().join(', ')}.`,
    );
  }
  const q = m.replyLatencySeconds;
  const latency = percentileCurve([
    [0.1, q.p10],
    [0.25, q.p25],
    [0.5, q.p50],
    [0.75, q.p75],
    [0.9, q.p90],
    [0.99, q.p99],
  ]);
  // Output tokens are lognormal around the calibrated median with the latency's log-spread
  // (p10..p90), on the assumption that decode time is what makes a reply slow.
  const outputSigma = Math.log(q.p90 / q.p10) / (2 * normalQuantile(0.9));
  const clampU = (u: number) => Math.min(0.99, Math.max(0.001, u));
  const tasks = cal.taskSuites.tasksPerSuite;
  return {
    name,
    latencyMs: (u) => Math.round(latency(u) * 1000),
    outputTokens: (u) =>
      Math.max(
        1,
        Math.round(
          m.outputTokensPerReplyMedian * Math.exp(outputSigma * normalQuantile(clampU(u))),
        ),
      ),
    inputTokens: (u) =>
      Math.max(
        1,
        Math.round(
          m.inputTokensPerReplyMedian *
            Math.exp(SIM_ASSUMPTIONS.inputSigma * normalQuantile(clampU(u))),
        ),
      ),
    mistakeRate(profile) {
      // The calibration counts failed test runs per successful *run* of a 20-task suite. Per task
      // that is f / 20 failures before the passing one; if each version fails independently with
      // probability q, failures before success are geometric with mean q / (1 - q), so
      // q = m / (1 + m) with m = f / 20.
      const f =
        profile === 'preassign'
          ? m.failedTestRunsPerSuccessfulRun_preassign_nolead
          : m.failedTestRunsPerSuccessfulRun_decentralized;
      const perTask = f / tasks;
      return perTask / (1 + perTask);
    },
  };
}
