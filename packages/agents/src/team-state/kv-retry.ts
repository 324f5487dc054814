import { isTransientNatsFailure } from '@llm-teams/broker';
import { withRetry, type Clock, type CompiledRetryPolicy, type Random } from '@llm-teams/runtime';

/**
 * Retries of the team's KV requests (board, workspace) that fail for a passing reason: a
 * server restarting, leaders being elected after one was killed, a request timing out
 * meanwhile (`isTransientNatsFailure`). Without them a tool call fails at once and an agent
 * spends its turns (and its task's attempts) on errors that a second later are gone: the chaos
 * soak saw a task failed for good within a second of a server's SIGKILL.
 */
export interface KvRetry {
  clock: Clock;
  random: Random;
  /** Default `KV_RETRY_POLICY`. */
  policy?: CompiledRetryPolicy;
}

/** Up to 20 s of retries, 100 ms to 1 s apart: a cluster's failover takes a few seconds. */
export const KV_RETRY_POLICY: CompiledRetryPolicy = Object.freeze({
  maxAttempts: Infinity,
  initialDelayMs: 100,
  maxDelayMs: 1000,
  multiplier: 2,
  jitter: 0.2,
  budgetMs: 20_000,
});

/** Runs one KV request, retried as `retry` says when it fails for a passing reason. A request
 *  that timed out may have been applied: a retried compare-and-set then fails as a conflict,
 *  which its caller handles as any conflict (it reads again). */
export function kvRequest<T>(retry: KvRetry | undefined, run: () => Promise<T>): Promise<T> {
  if (!retry) return run();
  return withRetry(run, {
    policy: retry.policy ?? KV_RETRY_POLICY,
    clock: retry.clock,
    random: retry.random,
    retryable: isTransientNatsFailure,
  });
}
