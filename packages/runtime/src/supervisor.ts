import type { Random } from './random.js';
import {
  compileRetryPolicy,
  nextRetryDelay,
  type CompiledRetryPolicy,
  type RetryPolicy,
} from './retry-policy.js';

/** The delay fields of a `RetryPolicy`, for waits that are not bounded by attempts. */
export type RetryDelays = Pick<
  RetryPolicy,
  'initialDelayMs' | 'maxDelayMs' | 'multiplier' | 'jitter'
>;

/**
 * How a host treats an actor whose machine threw (an action, a guard, an unhandled invoke
 * error): restart it, from its last checkpoint when a snapshot store is configured, unless
 * it has crashed `maxRestarts` times within `windowMs`; then it stays failed.
 */
export interface SupervisionPolicy {
  /** Default 3. 0 never restarts. */
  maxRestarts?: number;
  /** Default 60000. */
  windowMs?: number;
  /** Delay before each restart. Default 100 ms doubling to 5000 ms, 20% jitter. */
  backoff?: RetryDelays;
}

export interface CompiledSupervisionPolicy {
  readonly maxRestarts: number;
  readonly windowMs: number;
  readonly backoff: CompiledRetryPolicy;
}

export type SupervisionDecision = { restart: true; delayMs: number } | { restart: false };

/** Resolves a supervision policy's defaults and checks its backoff. */
export function compileSupervisionPolicy(
  policy: SupervisionPolicy = {},
): CompiledSupervisionPolicy {
  return {
    maxRestarts: policy.maxRestarts ?? 3,
    windowMs: policy.windowMs ?? 60_000,
    // Restarts are bounded by maxRestarts per window, not by the policy's attempts.
    backoff: {
      ...compileRetryPolicy(
        policy.backoff,
        { initialDelayMs: 100, maxDelayMs: 5000 },
        'supervision.backoff',
      ),
      maxAttempts: Infinity,
      budgetMs: Infinity,
    },
  };
}

/** Decides about one crash, given the times of earlier crashes (mutated: pruned, appended). */
export function decideRestart(
  crashes: number[],
  now: number,
  policy: CompiledSupervisionPolicy,
  random: Random,
): SupervisionDecision {
  while (crashes.length > 0 && crashes[0]! < now - policy.windowMs) crashes.shift();
  crashes.push(now);
  if (crashes.length > policy.maxRestarts) return { restart: false };
  // Unbounded attempts and budget: always a delay.
  return { restart: true, delayMs: nextRetryDelay(policy.backoff, crashes.length, 0, random)! };
}
