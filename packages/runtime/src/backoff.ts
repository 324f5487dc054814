import type { Random } from './random.js';

export interface BackoffOptions {
  /** First delay. Default 50. */
  initialMs?: number;
  /** Cap on any delay. Default 2000. */
  maxMs?: number;
  /** Growth per attempt. Default 2. */
  multiplier?: number;
  /** Fraction of the delay randomized, +-. Default 0.2: clients that failed together do not
   *  retry together. */
  jitter?: number;
}

/** Delay before retry number `retry` (1-based), exponential with seeded jitter. */
export function backoffDelay(retry: number, options: BackoffOptions, random: Random): number {
  const initial = options.initialMs ?? 50;
  const max = options.maxMs ?? 2000;
  const base = Math.min(max, initial * Math.pow(options.multiplier ?? 2, Math.max(0, retry - 1)));
  const jitter = options.jitter ?? 0.2;
  const factor = 1 - jitter + random.next() * 2 * jitter;
  return Math.max(0, Math.min(max, Math.round(base * factor)));
}
