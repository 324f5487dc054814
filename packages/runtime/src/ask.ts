import type { BackoffOptions } from './backoff.js';
import type { Envelope } from './envelope.js';
import type { DeliveryMode } from './trace-event.js';

/**
 * An ask: a request whose reply (any message with `corrId` = the request id) is awaited.
 * Each attempt waits `attemptTimeoutMs`; then the same envelope (same id, next attempt) is
 * sent again after an exponential, jittered backoff, until a reply arrives, `maxAttempts`
 * are used, or `timeoutMs` has passed since the first send. Nothing waits forever.
 */
export interface AskOptions {
  /** Overall deadline from the first send. Default 5000. */
  timeoutMs?: number;
  /** How long one attempt waits for its reply. Default 1000. */
  attemptTimeoutMs?: number;
  /** Attempts in all, the first included. Default 4. */
  maxAttempts?: number;
  /** Delay between attempts. Default 50 ms doubling to 2000 ms, 20% jitter. */
  backoff?: BackoffOptions;
  /** Delivery mode of the request. Default: the host's delivery policy for its type. */
  mode?: DeliveryMode;
}

/** The event a machine receives when its ask ends without a reply. */
export interface AskFailedEvent {
  type: 'ask.failed';
  /** The request's envelope id (what `ask` returned). */
  askId: string;
  to: string;
  requestType: string;
  attempts: number;
  reason: 'timeout';
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
