import { AttemptFailure, retryAfterFromHeaders } from '../attempt-failure.js';
import type { CallContext } from '../call-pipeline.js';

/**
 * Runs one HTTP attempt under the per-attempt timeout (on the injected clock, so a test or a
 * virtual clock decides when it fires) and the call's abort signal. `classify` turns a provider
 * error into an `AttemptFailure`; a fired timeout is classified here, whatever the SDK threw.
 */
export async function providerAttempt<T>(
  ctx: CallContext,
  parent: AbortSignal,
  send: (signal: AbortSignal) => Promise<T>,
  classify: (error: unknown, latencyMs: number) => AttemptFailure,
): Promise<{ value: T; latencyMs: number }> {
  const controller = new AbortController();
  let timedOut = false;
  const timer = ctx.clock.setTimeout(() => {
    timedOut = true;
    controller.abort(new Error(`timed out after ${ctx.timeoutMs}ms`));
  }, ctx.timeoutMs);
  const onAbort = () => controller.abort(parent.reason);
  parent.addEventListener('abort', onAbort, { once: true });
  const started = ctx.clock.now();
  try {
    const value = await send(controller.signal);
    return { value, latencyMs: ctx.clock.now() - started };
  } catch (error) {
    const latencyMs = ctx.clock.now() - started;
    if (error instanceof AttemptFailure) throw error;
    if (timedOut) {
      throw new AttemptFailure('timeout', 'TIMEOUT', `no reply within ${ctx.timeoutMs}ms`, {
        retryable: true,
        latencyMs,
        cause: error,
      });
    }
    throw classify(error, latencyMs);
  } finally {
    ctx.clock.clearTimeout(timer);
    parent.removeEventListener('abort', onAbort);
  }
}

/** The SDKs' transport failures (connection refused, reset, DNS) are worth retrying. */
export function networkFailure(error: unknown, latencyMs: number): AttemptFailure {
  const message = error instanceof Error ? error.message : String(error);
  return new AttemptFailure('network_error', 'NETWORK_ERROR', `network error: ${message}`, {
    retryable: true,
    latencyMs,
    cause: error,
  });
}

export function invalidResponse(what: string, latencyMs: number, cause?: unknown): AttemptFailure {
  return new AttemptFailure('invalid_response', 'INVALID_RESPONSE', `invalid response: ${what}`, {
    retryable: false,
    latencyMs,
    ...(cause === undefined ? {} : { cause }),
  });
}

export function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** JSON.parse that returns the parse error instead of throwing it. */
export function parseJsonObject(text: string): { value: unknown } | { error: string } {
  try {
    return { value: JSON.parse(text) as unknown };
  } catch (error) {
    return { error: error instanceof Error ? error.message : String(error) };
  }
}

/** Retry-After of a provider error's headers, spread into `failureForStatus` options. */
export function retryAfter(
  headers: { get(name: string): string | null } | undefined,
  now: number,
): { retryAfterMs?: number } {
  const ms = retryAfterFromHeaders(headers, now);
  return ms === undefined ? {} : { retryAfterMs: ms };
}
