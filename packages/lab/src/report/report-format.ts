/** Number formatting shared by the reports: `null` for what is not a finite number. */
export function fmt(value: number | null | undefined, digits = 2): string | null {
  if (value === null || value === undefined || !Number.isFinite(value)) return null;
  return value.toFixed(digits);
}

/** `mean ± ci` (or just the mean with a single rep). */
export function fmtCi(
  m: { mean: number | null; ci95: number; n: number } | undefined,
  digits = 2,
): string | null {
  if (!m || m.mean === null || !Number.isFinite(m.mean)) return null;
  return m.n > 1 ? `${m.mean.toFixed(digits)} ± ${m.ci95.toFixed(digits)}` : m.mean.toFixed(digits);
}

/** Model time in seconds. */
export const seconds = (ms: number | null | undefined, digits = 1): string | null =>
  ms === null || ms === undefined ? null : fmt(ms / 1000, digits);

/** Rounded for charts; JSON turns NaN into null, which Chart.js skips. */
export const round = (v: number | null | undefined, digits = 3): number | null =>
  v === null || v === undefined || !Number.isFinite(v) ? null : Number(v.toFixed(digits));

export const PALETTE = [
  '#1f77b4',
  '#d62728',
  '#2ca02c',
  '#ff7f0e',
  '#9467bd',
  '#8c564b',
  '#e377c2',
  '#17becf',
];

/** Fixed colors per architecture, so every chart agrees. */
export const ARCH_COLORS: Record<string, string> = {
  centralized: '#1f77b4',
  decentralized: '#d62728',
  single: '#7f7f7f',
  rounds: '#9467bd',
  'rounds-claim': '#ff7f0e',
};

export const archColor = (arch: string, i = 0): string =>
  ARCH_COLORS[arch] ?? PALETTE[i % PALETTE.length]!;

export const uniq = <T>(xs: readonly T[]): T[] => [...new Set(xs)];

/** Mean of the finite values; NaN for none. */
export const avg = (xs: readonly (number | null | undefined)[]): number => {
  const ok = xs.filter((x): x is number => typeof x === 'number' && Number.isFinite(x));
  return ok.length === 0 ? Number.NaN : ok.reduce((a, b) => a + b, 0) / ok.length;
};
