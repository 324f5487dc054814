import {
  AckPolicy,
  isTransientNatsFailure,
  DeliverPolicy,
  jetstream,
  jetstreamManager,
  type ConsumerMessages,
  type JsMsg,
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
  team: string;
  stream: string;
  /** JetStream's redelivery timeout. Default 30000. */
  ackWaitMs: number;
  /** Give up redelivering after this many deliveries (-1: never). */
  maxDeliver: number;
  /** Retries of creating the consumer while JetStream is unavailable. */
  setupRetry: CompiledRetryPolicy;
  clock: Clock;
  random: Random;
  /** Hands a valid envelope to the actor (the host's one delivery path). */
  deliver(cell: ActorCell, envelope: Envelope, msg: JsMsg): void;
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

/** What becomes of one message from the durable inbox, decided before any actor sees it. */
export type DurableIntake =
  | { outcome: 'deliver'; envelope: Envelope }
  | { outcome: 'reject'; reason: string; envelope?: Envelope };

/** Decodes and checks a durable message for `actorId`: undecodable, invalid, misaddressed
 *  and (with signing) unverified messages are refused, with the reason. */
export function admitDurable(
  data: Uint8Array,
  headers: MsgHdrs | undefined,
  actorId: string,
  options: Pick<DurableInboxOptions, 'team' | 'verify'>,
): DurableIntake {
  const env = decodeEnvelope(data);
  if (typeof env === 'string') return { outcome: 'reject', reason: env };
  if (env.to !== actorId || env.team !== options.team) {
    return {
      outcome: 'reject',
      reason: `envelope for ${env.team}/${env.to} arrived in the durable inbox of ${options.team}/${actorId}`,
      envelope: env,
    };
  }
  const refused = options.verify?.(data, headers, env);
  if (refused) return { outcome: 'reject', reason: refused, envelope: env };
  return { outcome: 'deliver', envelope: env };
}

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
      const intake = admitDurable(msg.data, msg.headers, cell.id, options);
      if (intake.outcome === 'deliver') {
        options.deliver(cell, intake.envelope, msg);
        return;
      }
      // Terminated at once, never redelivered: with max_ack_pending 1 a message left pending
      // would hold up every message behind it. A bare +TERM: servers before 2.10 ignore a
      // +TERM that carries a reason, and the reason is in the trace and the dead letter.
      msg.term();
      options.onReject(cell, msg.subject, msg.data, intake.reason, intake.envelope);
    },
  });
  return async () => {
    await messages.close();
  };
}
