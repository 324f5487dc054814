import type { ModelErrorCode } from './model-error.js';
import type { AttemptOutcome } from './model-types.js';

/** Why one attempt failed, thrown by a backend's attempt; the call pipeline decides whether to
 *  retry. Never escapes a client: the caller sees a `ModelError`. */
export class AttemptFailure extends Error {
  readonly outcome: AttemptOutcome;
  readonly code: ModelErrorCode;
  readonly retryable: boolean;
  /** The server's Retry-After, in ms. */
  readonly retryAfterMs: number | undefined;
  /** Model time the attempt took before failing. */
  readonly latencyMs: number;

  constructor(
    outcome: AttemptOutcome,
    code: ModelErrorCode,
    message: string,
    options: { retryable: boolean; retryAfterMs?: number; latencyMs?: number; cause?: unknown },
  ) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.name = 'AttemptFailure';
    this.outcome = outcome;
    this.code = code;
    this.retryable = options.retryable;
    this.retryAfterMs = options.retryAfterMs;
    this.latencyMs = options.latencyMs ?? 0;
  }
}

/**
 * Retry-After as ms: `retry-after-ms` (OpenAI, Anthropic), else `Retry-After` as seconds or an
 * HTTP date (RFC 9110). Undefined when absent or unreadable.
 */
export function retryAfterFromHeaders(
  headers: { get(name: string): string | null } | undefined,
  now: number,
): number | undefined {
  if (headers === undefined) return undefined;
  const ms = headers.get('retry-after-ms');
  if (ms !== null && ms.trim() !== '' && Number.isFinite(Number(ms))) {
    return Math.max(0, Number(ms));
  }
  const value = headers.get('retry-after');
  if (value === null || value.trim() === '') return undefined;
  if (/^\s*\d+(\.\d+)?\s*$/.test(value)) return Math.max(0, Math.round(Number(value) * 1000));
  const date = Date.parse(value);
  return Number.isNaN(date) ? undefined : Math.max(0, date - now);
}

/** Classifies an HTTP status the way every provider documents it: 429 is a rate limit, 408 a
 *  timeout, 409 / 5xx / 529 (Anthropic's "overloaded") transient; other 4xx are the caller's
 *  fault and retrying them cannot help. */
export function failureForStatus(
  status: number,
  message: string,
  options: { retryAfterMs?: number; latencyMs: number; cause: unknown },
): AttemptFailure {
  if (status === 429) {
    return new AttemptFailure('rate_limited', 'RATE_LIMITED', `rate limited (429): ${message}`, {
      ...options,
      retryable: true,
    });
  }
  if (status === 408) {
    return new AttemptFailure('timeout', 'TIMEOUT', `request timeout (408): ${message}`, {
      ...options,
      retryable: true,
    });
  }
  if (status === 409 || status >= 500) {
    return new AttemptFailure(
      'server_error',
      'SERVER_ERROR',
      `server error (${status}): ${message}`,
      {
        ...options,
        retryable: true,
      },
    );
  }
  return new AttemptFailure(
    'client_error',
    'REQUEST_REJECTED',
    `request rejected (${status}): ${message}`,
    { ...options, retryable: false },
  );
}
