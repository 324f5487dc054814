import { headers as natsHeaders, type MsgHdrs, type NatsConnection } from '@llm-teams/broker';
import { encodeBatch, encodeEnvelope } from './codec.js';
import type { EnvelopeSigner } from './envelope-signing.js';
import type { Envelope } from './envelope.js';
import type { HostedSender, HostStats } from './host-core.js';
import type { RuntimeTelemetry } from './telemetry.js';

/**
 * The NATS headers of one publish of `envelopes` (all from one sender), or undefined: the one
 * place headers are made for both core and durable publishes: the signature, and the W3C trace
 * context when telemetry is on (then an envelope is published alone, see `Outbox.enqueue`).
 */
export function outgoingHeaders(
  signer: EnvelopeSigner | undefined,
  envelopes: readonly Envelope[],
  data: Uint8Array,
  telemetry?: RuntimeTelemetry,
): MsgHdrs | undefined {
  const headers = signer?.sign(envelopes[0]!.from, data);
  const carrier = telemetry?.carrierOf(envelopes[0]!);
  if (!carrier) return headers;
  const withContext = headers ?? natsHeaders();
  for (const key in carrier) withContext.set(key, carrier[key]!);
  return withContext;
}

export interface OutboxOptions {
  nc: NatsConnection;
  stats: HostStats;
  signer: EnvelopeSigner | undefined;
  /** Coalesce the sends of one tick to one subject. */
  batch: boolean;
  /** Envelopes per NATS message at most. */
  maxBatch: number;
  /** With telemetry each envelope goes alone: its trace context travels in its own headers. */
  telemetry?: RuntimeTelemetry | undefined;
  /** The sending actor of an envelope, to tell it that its message could not go out. */
  senderOf(actorId: string): HostedSender | undefined;
}

/**
 * At-most-once publishing. The sends of one tick to one subject are coalesced into one NATS
 * message (an array of envelope records), flushed in a microtask; FIFO per subject is kept,
 * and a lone message goes out unbatched. A payload over the server's `max_payload` is split,
 * and a single envelope that is still too large fails its send (`send.failed`).
 */
export class Outbox {
  readonly #o: OutboxOptions;
  readonly #queues = new Map<string, Envelope[]>();
  #flushScheduled = false;

  constructor(options: OutboxOptions) {
    this.#o = options;
  }

  /** Closed or draining: nothing more may be published (it would throw). */
  #down(): boolean {
    return this.#o.nc.isClosed() || this.#o.nc.isDraining();
  }

  /** Queues `env` for `subject` (the caller has checked that the connection is up). */
  enqueue(subject: string, env: Envelope, sender: HostedSender): void {
    if (!this.#o.batch || this.#o.telemetry) {
      this.#publish(subject, [env], sender);
      return;
    }
    let queue = this.#queues.get(subject);
    if (!queue) {
      queue = [];
      this.#queues.set(subject, queue);
    }
    queue.push(env);
    if (queue.length >= this.#o.maxBatch) {
      this.#queues.delete(subject);
      this.#publish(subject, queue, sender);
    } else if (!this.#flushScheduled) {
      this.#flushScheduled = true;
      queueMicrotask(this.flush);
    }
  }

  /** Publishes everything queued. */
  readonly flush = (): void => {
    this.#flushScheduled = false;
    if (this.#queues.size === 0) return;
    for (const [subject, queue] of this.#queues) {
      this.#publish(subject, queue, this.#o.senderOf(queue[0]!.from));
    }
    this.#queues.clear();
  };

  /** Envelopes waiting for the next flush (bounded by `maxBatch` per subject). */
  get pending(): number {
    let n = 0;
    for (const q of this.#queues.values()) n += q.length;
    return n;
  }

  #publish(subject: string, envs: Envelope[], sender: HostedSender | undefined): void {
    if (this.#down()) return;
    const { nc, signer, stats } = this.#o;
    if (signer && envs.length > 1) {
      const groups = signer.groupBySigner(envs);
      if (groups.length > 1) {
        for (const group of groups) {
          this.#publish(subject, group, this.#o.senderOf(group[0]!.from));
        }
        return;
      }
    }
    const data = envs.length === 1 ? encodeEnvelope(envs[0]!) : encodeBatch(envs);
    const max = nc.info?.max_payload ?? 1_048_576;
    if (data.length > max) {
      if (envs.length > 1) {
        const half = envs.length >> 1;
        this.#publish(subject, envs.slice(0, half), sender);
        this.#publish(subject, envs.slice(half), sender);
        return;
      }
      sender?.failSend(
        envs[0]!,
        new Error(`message of ${data.length} bytes exceeds max_payload ${max}`),
      );
      return;
    }
    if (envs.length > 1) stats.batches++;
    const headers = outgoingHeaders(signer, envs, data, this.#o.telemetry);
    if (headers) nc.publish(subject, data, { headers });
    else nc.publish(subject, data);
  }
}
