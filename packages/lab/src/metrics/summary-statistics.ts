import { mean, sampleStandardDeviation } from 'simple-statistics';

/** A sample's mean with a two-sided 95% confidence interval (Student's t). */
export interface MeanCi {
  mean: number;
  /** Half-width of the 95% interval; 0 with fewer than two values. */
  ci95: number;
  n: number;
}

// Two-sided 95% critical values of Student's t for 1..30 degrees of freedom. simple-statistics
// has no t quantile, and sweeps have a handful of reps, where the normal 1.96 is far too narrow.
const T_975 = [
  12.706, 4.303, 3.182, 2.776, 2.571, 2.447, 2.365, 2.306, 2.262, 2.228, 2.201, 2.179, 2.16, 2.145,
  2.131, 2.12, 2.11, 2.101, 2.093, 2.086, 2.08, 2.074, 2.069, 2.064, 2.06, 2.056, 2.052, 2.048,
  2.045, 2.042,
];

/** t_{0.975, df}: the 95% two-sided critical value. */
export function tCritical95(df: number): number {
  if (df < 1) return Number.NaN;
  return T_975[df - 1] ?? (df <= 60 ? 2.0 : 1.96);
}

/** Mean and 95% CI of the finite values; `{ mean: NaN, ci95: 0, n: 0 }` for none. */
export function meanCi(values: readonly number[]): MeanCi {
  const xs = values.filter((v) => Number.isFinite(v));
  if (xs.length === 0) return { mean: Number.NaN, ci95: 0, n: 0 };
  if (xs.length === 1) return { mean: xs[0]!, ci95: 0, n: 1 };
  const sd = sampleStandardDeviation(xs);
  return {
    mean: mean(xs),
    ci95: (tCritical95(xs.length - 1) * sd) / Math.sqrt(xs.length),
    n: xs.length,
  };
}

/** Mean of the finite values, NaN for none. */
export function meanOf(values: readonly number[]): number {
  const xs = values.filter((v) => Number.isFinite(v));
  return xs.length === 0 ? Number.NaN : mean(xs);
}
