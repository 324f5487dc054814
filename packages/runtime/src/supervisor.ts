import { backoffDelay, type BackoffOptions } from './backoff.js';
import type { Random } from './random.js';

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
  backoff?: BackoffOptions;
}

export type SupervisionDecision = { restart: true; delayMs: number } | { restart: false };

/** Decides about one crash, given the times of earlier crashes (mutated: pruned, appended). */
export function decideRestart(
  crashes: number[],
  now: number,
  policy: SupervisionPolicy,
  random: Random,
): SupervisionDecision {
  const windowMs = policy.windowMs ?? 60_000;
  const maxRestarts = policy.maxRestarts ?? 3;
  while (crashes.length > 0 && crashes[0]! < now - windowMs) crashes.shift();
  crashes.push(now);
  if (crashes.length > maxRestarts) return { restart: false };
  return {
    restart: true,
    delayMs: backoffDelay(
      crashes.length,
      { initialMs: 100, maxMs: 5000, ...policy.backoff },
      random,
    ),
  };
}
