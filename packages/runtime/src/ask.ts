import type { Envelope } from './envelope.js';
import { RuntimeError } from './errors.js';
import { compileRetryPolicy, type CompiledRetryPolicy, type RetryPolicy } from './retry-policy.js';
import type { DeliveryMode } from './trace-event.js';

/**
 * An ask: a request whose reply (any message with `corrId` = the request id) is awaited.
 * Each attempt waits `attemptTimeoutMs`; then the same envelope (same id, next attempt) is
 * sent again after the retry policy's wait, until a reply arrives, the policy's attempts are
 * used, or `timeoutMs` has passed since the first send. Nothing waits forever.
 */
export interface AskOptions {
  /** Overall deadline from the first send. Default 5000. */
  timeoutMs?: number;
  /** How long one attempt waits for its reply. Default 1000. */
  attemptTimeoutMs?: number;
  /** Retries of the request. Defaults: `maxAttempts` 4, `initialDelayMs` 50 doubling to
   *  `maxDelayMs` 2000, `jitter` 0.2, `budgetMs` = `timeoutMs` (time since the first send, on
   *  the host's clock). */
  retry?: RetryPolicy;
  /** Delivery mode of the request. Default: the host's delivery policy for its type. */
  mode?: DeliveryMode;
}

/** Ask options with every default resolved (`compileAskOptions`). */
export interface CompiledAskOptions {
  readonly timeoutMs: number;
  readonly attemptTimeoutMs: number;
  readonly retry: CompiledRetryPolicy;
  readonly mode: DeliveryMode | undefined;
  /** What they were compiled from, for merging a call's options over a host's. */
  readonly source: AskOptions;
}

function positiveMs(name: string, value: number): number {
  if (typeof value !== 'number' || !(value > 0) || !Number.isFinite(value)) {
    throw new RuntimeError(
      'INVALID_ARGUMENT',
      `${name} must be a finite number > 0, got ${String(value)}`,
    );
  }
  return value;
}

/** Resolves `options` over `base` (a host's compiled defaults) and checks them. */
export function compileAskOptions(
  options: AskOptions = {},
  base?: CompiledAskOptions,
): CompiledAskOptions {
  const source: AskOptions = base
    ? { ...base.source, ...options, retry: { ...base.source.retry, ...options.retry } }
    : options;
  const timeoutMs = positiveMs('ask.timeoutMs', source.timeoutMs ?? 5000);
  return {
    timeoutMs,
    attemptTimeoutMs: positiveMs('ask.attemptTimeoutMs', source.attemptTimeoutMs ?? 1000),
    retry: compileRetryPolicy(
      source.retry,
      { maxAttempts: 4, initialDelayMs: 50, maxDelayMs: 2000, budgetMs: timeoutMs },
      'ask.retry',
    ),
    mode: source.mode,
    source,
  };
}

/** The event a machine receives when its ask ends without a reply. */
export interface AskFailedEvent {
  type: 'ask.failed';
  /** The request's envelope id (what `ask` returned). */
  askId: string;
  to: string;
  requestType: string;
  attempts: number;
  /** `timeout`: no reply by the deadline or the last attempt. `overloaded`: the actor already
   *  had `maxPendingAsks` asks waiting, so this one was not sent. */
  reason: 'timeout' | 'overloaded';
  elapsedMs: number;
}

/** The event a machine receives when an at-least-once publish fails for good. */
export interface SendFailedEvent {
  type: 'send.failed';
  msgId: string;
  to: string;
  messageType: string;
  /** The failed message's body, so the sender can send it again or act on what it said. */
  body: unknown;
  error: string;
}

export type AskResult =
  { ok: true; envelope: Envelope; attempts: number } | { ok: false; failure: AskFailedEvent };
