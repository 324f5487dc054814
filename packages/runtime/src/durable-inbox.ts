import {
  AckPolicy,
  isTransientNatsFailure,
  DeliverPolicy,
  jetstream,
  jetstreamManager,
  type ConsumerMessages,
  type MsgHdrs,
  type NatsConnection,
} from '@llm-teams/broker';
import type { ActorCell } from './actor-cell.js';
import type { Clock } from './clock.js';
import { decodeEnvelope } from './codec.js';
import type { Envelope } from './envelope.js';
import type { Random } from './random.js';
import { withRetry, type CompiledRetryPolicy } from './retry-policy.js';

export interface DurableInboxOptions {
  nc: NatsConnection;
  stream: string;
  /** JetStream's redelivery timeout. Default 30000. */
  ackWaitMs: number;
  /** Give up redelivering after this many deliveries (-1: never). */
  maxDeliver: number;
  /** Retries of creating the consumer while JetStream is unavailable. */
  setupRetry: CompiledRetryPolicy;
  clock: Clock;
  random: Random;
  onReject(
    cell: ActorCell,
    subject: string,
    data: Uint8Array,
    reason: string,
    envelope?: Envelope,
  ): void;
  /** Signature check (envelope signing on): the reason a message is refused, if it is. */
  verify?: (
    data: Uint8Array,
    headers: MsgHdrs | undefined,
    envelope: Envelope,
  ) => string | undefined;
}

const nanos = (ms: number) => ms * 1_000_000;

/**
 * An actor's at-least-once inbox: a durable pull consumer on the team's inbox stream,
 * filtered to the actor's durable subject, acked explicitly. `max_ack_pending: 1` makes
 * the actor process its durable messages one at a time, each acked when its work is done.
 * Returns a function that stops consuming (the consumer itself stays, for the next
 * incarnation of the actor).
 */
export async function openDurableInbox(
  cell: ActorCell,
  subject: string,
  options: DurableInboxOptions,
): Promise<() => Promise<void>> {
  const config = {
    durable_name: cell.id,
    filter_subject: subject,
    ack_policy: AckPolicy.Explicit,
    deliver_policy: DeliverPolicy.All,
    ack_wait: nanos(options.ackWaitMs),
    max_ack_pending: 1,
    max_deliver: options.maxDeliver,
  };
  // A cluster that is electing leaders (just started, or a node lost) times out JetStream
  // requests for a while: keep trying, up to a limit, instead of failing the actor.
  const consumer = await withRetry(
    async () => {
      const jsm = await jetstreamManager(options.nc);
      const existing = await jsm.consumers.info(options.stream, cell.id).catch(() => undefined);
      if (existing) await jsm.consumers.update(options.stream, cell.id, config);
      else await jsm.consumers.add(options.stream, config);
      return jetstream(options.nc).consumers.get(options.stream, cell.id);
    },
    {
      policy: options.setupRetry,
      clock: options.clock,
      random: options.random,
      retryable: isTransientNatsFailure,
    },
  );
  const messages: ConsumerMessages = await consumer.consume({
    max_messages: 4,
    // Short pulls: after a broker failover the pull is re-issued within seconds, not 30 s.
    expires: 5_000,
    callback: (msg) => {
      const env = decodeEnvelope(msg.data);
      if (typeof env === 'string') {
        options.onReject(cell, msg.subject, msg.data, env);
        msg.term(env.slice(0, 100));
        return;
      }
      if (env.to !== cell.id) {
        const reason = `envelope to=${env.to} arrived in the durable inbox of ${cell.id}`;
        options.onReject(cell, msg.subject, msg.data, reason);
        msg.term(reason.slice(0, 100));
        return;
      }
      const refused = options.verify?.(msg.data, msg.headers, env);
      if (refused) {
        options.onReject(cell, msg.subject, msg.data, refused, env);
        msg.term(refused.slice(0, 100));
        return;
      }
      cell.receiveDurable(env, msg);
    },
  });
  return async () => {
    await messages.close();
  };
}
