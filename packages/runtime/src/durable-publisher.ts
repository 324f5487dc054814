import {
  jetstream,
  type JetStreamClient,
  type NatsConnection,
  type TeamSubjects,
} from '@llm-teams/broker';
import { encodeEnvelope } from './codec.js';
import { resolveFault, type HeldDeliveries } from './delivery-faults.js';
import type { EnvelopeSigner } from './envelope-signing.js';
import type { Envelope } from './envelope.js';
import type { HostedSender, HostStats } from './host-core.js';
import type { MessageInterceptor } from './message-interceptor.js';
import type { Random } from './random.js';
import { nextRetryDelay, type CompiledRetryPolicy } from './retry-policy.js';
import { delay, type Clock } from './clock.js';
import { outgoingHeaders } from './outbox.js';
import type { RuntimeTelemetry } from './telemetry.js';

export interface DurablePublisherOptions {
  nc: NatsConnection;
  subjects: TeamSubjects;
  stats: HostStats;
  clock: Clock;
  random: Random;
  policy: CompiledRetryPolicy;
  held: HeldDeliveries;
  signer: EnvelopeSigner | undefined;
  interceptor: MessageInterceptor | undefined;
  /** Publishes waiting for their PubAck at most; one more fails at once. */
  maxInFlight: number;
  telemetry?: RuntimeTelemetry | undefined;
  /** The host has closed: stop retrying. */
  closed(): boolean;
}

/**
 * At-least-once publishing: a JetStream publish with `Nats-Msg-Id` = the envelope id, retried
 * under the host's `durable.publishRetry` until a PubAck arrives; when the policy gives up,
 * the sender gets `send.failed`. A fault on such a send is a lost publish (no PubAck), so the
 * interceptor is asked once per attempt.
 */
export class DurablePublisher {
  readonly #o: DurablePublisherOptions;
  #js: JetStreamClient | undefined;
  #inFlight = 0;

  /** Publishes waiting for their PubAck (or retrying). */
  get inFlight(): number {
    return this.#inFlight;
  }

  constructor(options: DurablePublisherOptions) {
    this.#o = options;
  }

  async publish(env: Envelope, sender: HostedSender): Promise<void> {
    if (this.#inFlight >= this.#o.maxInFlight) {
      sender.failSend(
        env,
        new Error(`${this.#inFlight} at-least-once publishes already in flight (the bound)`),
      );
      return;
    }
    this.#inFlight++;
    try {
      await this.#publish(env, sender);
    } finally {
      this.#inFlight--;
    }
  }

  async #publish(env: Envelope, sender: HostedSender): Promise<void> {
    const o = this.#o;
    this.#js ??= jetstream(o.nc);
    const subject = o.subjects.durableInbox(env.to);
    // The budget counts the planned waits, not elapsed time, so the number of attempts (and
    // with it the trace) does not depend on how fast the machine is: a replay matches.
    let waitedMs = 0;
    let current = env;
    for (let attempt = 1; ; attempt++) {
      try {
        // A retry is the envelope's next attempt: messages sent after it may have been stored
        // before it (FIFO holds for first transmissions only), and the receiver must see that.
        if (attempt > 1) current = sender.retransmission(current, 'at-least-once');
        const data = encodeEnvelope(current);
        const headers = outgoingHeaders(o.signer, [current], data, o.telemetry);
        await this.#attempt(current, sender, subject, data, headers, attempt);
        return;
      } catch (err) {
        const waitMs = o.closed()
          ? undefined
          : nextRetryDelay(o.policy, attempt, waitedMs, o.random);
        if (waitMs === undefined) {
          sender.failSend(current, err);
          return;
        }
        waitedMs += waitMs;
        await delay(o.clock, waitMs);
      }
    }
  }

  /** One publish attempt; throws when it got no PubAck. */
  async #attempt(
    env: Envelope,
    sender: HostedSender,
    subject: string,
    data: Uint8Array,
    headers: ReturnType<typeof outgoingHeaders>,
    attempt: number,
  ): Promise<void> {
    const o = this.#o;
    const fault = resolveFault(
      o.interceptor?.outbound?.(env, 'at-least-once'),
      sender.lane,
      env.id,
      'send',
      o.stats,
    );
    if (fault.kind === 'drop') {
      throw new Error(`publish of ${env.id} lost (injected ${fault.fault})`);
    }
    if (fault.kind === 'delay') {
      await o.held.wait(fault);
      if (o.closed()) return; // in flight when the host closed
    }
    // A duplicate publishes again: JetStream's dedup on Nats-Msg-Id keeps one.
    const copies = fault.kind === 'deliver' ? fault.copies + 1 : 1;
    for (let c = 0; c < copies; c++) {
      const ack = await this.#js!.publish(subject, data, {
        msgID: env.id,
        timeout: 5000,
        ...(headers ? { headers } : {}),
      });
      // A first publish JetStream calls a duplicate was never stored: another sender used
      // this id within the duplicate window (ids drawn from a shared seed). Say so loudly.
      if (ack.duplicate && attempt === 1 && c === 0) {
        o.stats.dropped++;
        sender.lane.emit({
          kind: 'mark',
          name: 'send.id-collision',
          msgId: env.id,
          to: env.to,
          stream: ack.stream,
          streamSeq: ack.seq,
        });
      }
    }
  }
}
