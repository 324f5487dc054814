import { delay, type Clock } from './clock.js';
import { RuntimeError } from './errors.js';
import type { Random } from './random.js';

/**
 * Retries, one vocabulary. Every retry of the project (an ask, a durable publish, a JetStream
 * admin request, a model call, a run's reads of its board) is described by a `RetryPolicy`,
 * compiled once per component with that component's defaults (`compileRetryPolicy`), and
 * decided by one function (`nextRetryDelay`): exponential backoff with seeded jitter, bounded
 * by a number of attempts and an overall budget.
 */
export interface RetryPolicy {
  /** Attempts in all, the first included. `Infinity` leaves the limit to `budgetMs`.
   *  @default 5 */
  maxAttempts?: number;
  /** Wait before the first retry. @default 100 */
  initialDelayMs?: number;
  /** Cap on any one wait. @default 2000 */
  maxDelayMs?: number;
  /** Growth of the wait from one retry to the next (>= 1). @default 2 */
  multiplier?: number;
  /** Fraction of each wait randomized, +- (0 to 1): callers that failed together do not
   *  retry together. @default 0.2 */
  jitter?: number;
  /** Overall budget: no retry is made whose wait would end past `budgetMs` of time spent
   *  (each component says what it counts: planned waits, or time on its clock).
   *  @default Infinity */
  budgetMs?: number;
}

/** A policy with every field resolved and checked (`compileRetryPolicy`). */
export type CompiledRetryPolicy = Readonly<Required<RetryPolicy>>;

/** The defaults of `RetryPolicy`, where a component does not bring its own. */
export const DEFAULT_RETRY_POLICY: CompiledRetryPolicy = Object.freeze({
  maxAttempts: 5,
  initialDelayMs: 100,
  maxDelayMs: 2000,
  multiplier: 2,
  jitter: 0.2,
  budgetMs: Infinity,
});

const FIELDS = Object.keys(DEFAULT_RETRY_POLICY) as (keyof RetryPolicy)[];

/** Why `value` is not allowed for `field`, or undefined. */
function fieldProblem(field: keyof RetryPolicy, value: number): string | undefined {
  if (typeof value !== 'number' || Number.isNaN(value)) return 'must be a number';
  switch (field) {
    case 'maxAttempts':
      return value === Infinity || (Number.isInteger(value) && value >= 1)
        ? undefined
        : 'must be an integer >= 1 or Infinity';
    case 'multiplier':
      return Number.isFinite(value) && value >= 1 ? undefined : 'must be a finite number >= 1';
    case 'jitter':
      return value >= 0 && value <= 1 ? undefined : 'must be between 0 and 1';
    case 'budgetMs':
      return value >= 0 ? undefined : 'must be >= 0 (Infinity for none)';
    default:
      return Number.isFinite(value) && value >= 0 ? undefined : 'must be a finite number >= 0';
  }
}

/**
 * Resolves `policy` over `defaults` (themselves over `DEFAULT_RETRY_POLICY`) and checks every
 * field; a bad one is an INVALID_ARGUMENT error naming it as `<name>.<field>`.
 */
export function compileRetryPolicy(
  policy: RetryPolicy = {},
  defaults: RetryPolicy = {},
  name = 'retry',
): CompiledRetryPolicy {
  if (policy === null || typeof policy !== 'object') {
    throw new RuntimeError('INVALID_ARGUMENT', `${name} must be an object`);
  }
  for (const key of Object.keys(policy)) {
    if (!FIELDS.includes(key as keyof RetryPolicy)) {
      throw new RuntimeError(
        'INVALID_ARGUMENT',
        `${name}.${key} is not a retry policy field (${FIELDS.join(', ')})`,
      );
    }
  }
  const out = { ...DEFAULT_RETRY_POLICY };
  for (const field of FIELDS) {
    const value = policy[field] ?? defaults[field] ?? DEFAULT_RETRY_POLICY[field];
    const problem = fieldProblem(field, value);
    if (problem) {
      throw new RuntimeError(
        'INVALID_ARGUMENT',
        `${name}.${field} ${problem}, got ${String(value)}`,
      );
    }
    out[field] = value;
  }
  if (out.maxDelayMs < out.initialDelayMs) {
    throw new RuntimeError(
      'INVALID_ARGUMENT',
      `${name}.maxDelayMs (${out.maxDelayMs}) must be >= ${name}.initialDelayMs (${out.initialDelayMs})`,
    );
  }
  return Object.freeze(out);
}

/**
 * The wait before the next attempt, or undefined when the policy says stop: after attempt
 * number `attempt` (1-based) failed, with `elapsedMs` of the budget spent. The wait before
 * retry n is `initialDelayMs * multiplier^(n-1)`, capped at `maxDelayMs`, times a seeded
 * factor in [1 - jitter, 1 + jitter] (and capped again); a wait the other side asked for
 * (`requestedMs`, e.g. an HTTP Retry-After) replaces it. The one place a retry is decided.
 */
export function nextRetryDelay(
  policy: CompiledRetryPolicy,
  attempt: number,
  elapsedMs: number,
  random: Random,
  requestedMs?: number,
): number | undefined {
  if (attempt >= policy.maxAttempts) return undefined;
  if (requestedMs !== undefined) {
    return elapsedMs + requestedMs > policy.budgetMs ? undefined : requestedMs;
  }
  const base = Math.min(
    policy.maxDelayMs,
    policy.initialDelayMs * Math.pow(policy.multiplier, Math.max(0, attempt - 1)),
  );
  // Drawn even without jitter, so a policy's jitter does not shift the draws that follow.
  const factor = 1 - policy.jitter + random.next() * 2 * policy.jitter;
  const delay = Math.max(0, Math.min(policy.maxDelayMs, Math.round(base * factor)));
  return elapsedMs + delay > policy.budgetMs ? undefined : delay;
}

export interface RetryLoopOptions {
  policy: CompiledRetryPolicy;
  /** Waits and the budget's elapsed time run on it. */
  clock: Clock;
  /** Draws the jitter. */
  random: Random;
  /** Whether a failure may be retried. Default: every failure. */
  retryable?: (error: unknown) => boolean;
  /** Called before each wait (to trace or count a retry). */
  onRetry?: (error: unknown, attempt: number, delayMs: number) => void;
}

/**
 * Runs `op` until it resolves, retrying as the policy says, with the budget counted as time
 * on `options.clock` since the first attempt. Rethrows the last failure when the policy
 * stops or the failure is not retryable.
 */
export async function withRetry<T>(
  op: (attempt: number) => Promise<T>,
  options: RetryLoopOptions,
): Promise<T> {
  const { policy, clock, random } = options;
  const started = clock.now();
  for (let attempt = 1; ; attempt++) {
    try {
      return await op(attempt);
    } catch (error) {
      if (options.retryable && !options.retryable(error)) throw error;
      const waitMs = nextRetryDelay(policy, attempt, clock.now() - started, random);
      if (waitMs === undefined) throw error;
      options.onRetry?.(error, attempt, waitMs);
      await delay(clock, waitMs);
    }
  }
}
