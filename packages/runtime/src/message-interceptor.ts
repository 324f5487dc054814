import type { Envelope } from './envelope.js';
import type { DeliveryMode } from './trace-event.js';

/**
 * What happens to one physical transmission. Fault injection and the schedule controller
 * plug in here; with no interceptor the host skips the call entirely.
 */
export type InterceptDecision =
  | { action: 'deliver' }
  | { action: 'drop'; fault: string; [detail: string]: unknown }
  | {
      action: 'delay';
      /** Longest wait. */
      ms: number;
      fault: string;
      /** Lets the message go before `ms` when it settles (a held message released: a reorder
       *  after the next messages, a partition healed). Not traced. */
      release?: Promise<unknown>;
      [detail: string]: unknown;
    }
  | { action: 'duplicate'; copies: number; fault: string; [detail: string]: unknown };

/** A lost ack, and the fault that lost it. */
export interface AckLoss {
  fault: string;
  faultId: string;
}

export interface MessageInterceptor {
  /** Every transmission (first attempt and retries) before it reaches NATS; for an
   *  at-least-once message, every publish attempt (a drop is a lost publish, retried). */
  outbound?(envelope: Envelope, mode: DeliveryMode): InterceptDecision | undefined;
  /** Every envelope a local actor is about to receive, before deduplication. */
  inbound?(envelope: Envelope, actorId: string, mode: DeliveryMode): InterceptDecision | undefined;
  /** Before a durable (at-least-once) message is acknowledged: `false`, or the fault that
   *  decided it, loses the ack, as if the connection dropped it, so JetStream redelivers after
   *  its ack wait. The `ack.lost` trace event names the fault when one is given. */
  beforeAck?(envelope: Envelope, actorId: string): boolean | AckLoss;
}
