import type { Random } from '../random.js';
import { MAX_TIMER_MS, type DelayDistribution } from './fault-spec.js';

/** Draws one delay (whole ms, >= 0) from `dist`. Unbounded distributions are capped by
 *  their `maxMs`, else by the longest timer. */
export function sampleDelay(dist: DelayDistribution, random: Random): number {
  let ms: number;
  let cap = MAX_TIMER_MS;
  if (typeof dist === 'number') ms = dist;
  else if (dist.dist === 'fixed') ms = dist.ms;
  else if (dist.dist === 'uniform') ms = dist.minMs + (dist.maxMs - dist.minMs) * random.next();
  else if (dist.dist === 'exponential') {
    // Inverse CDF; 1 - u is in (0, 1], so the log is finite.
    ms = -dist.meanMs * Math.log(1 - random.next());
    cap = dist.maxMs ?? cap;
  } else {
    // Box-Muller; a negative draw is no delay at all.
    const u1 = 1 - random.next();
    const u2 = random.next();
    ms = dist.meanMs + dist.sdMs * Math.sqrt(-2 * Math.log(u1)) * Math.cos(2 * Math.PI * u2);
    cap = dist.maxMs ?? cap;
  }
  return Math.round(Math.min(cap, Math.max(0, ms)));
}
