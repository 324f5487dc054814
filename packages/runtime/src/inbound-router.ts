import {
  headers as natsHeaders,
  type JsMsg,
  type MsgHdrs,
  type Msg,
  type NatsConnection,
  type Subscription,
  type TeamSubjects,
} from '@llm-teams/broker';
import type { ActorCell } from './actor-cell.js';
import type { ActorRegistry } from './actor-registry.js';
import { decodeFrame } from './codec.js';
import { resolveFault, type HeldDeliveries } from './delivery-faults.js';
import type { EnvelopeSigner } from './envelope-signing.js';
import type { Envelope, EnvelopeValidator } from './envelope.js';
import { parseHeartbeat, type Heartbeat, type HeartbeatSource } from './heartbeat.js';
import type { HostStats } from './host-core.js';
import type { InterceptDecision, MessageInterceptor } from './message-interceptor.js';
import type { DeliveryGate } from './schedule/schedule-types.js';
import type { TraceLane } from './trace-lane.js';
import type { RuntimeTelemetry } from './telemetry.js';

export interface InboundRouterOptions {
  nc: NatsConnection;
  team: string;
  node: string;
  subjects: TeamSubjects;
  registry: ActorRegistry;
  stats: HostStats;
  /** The host's own lane, for what no actor owns (topics, heartbeats, control). */
  lane: TraceLane;
  held: HeldDeliveries;
  validate: EnvelopeValidator;
  signer: EnvelopeSigner | undefined;
  interceptor: MessageInterceptor | undefined;
  gate: DeliveryGate | undefined;
  /** Remembers the trace context that came in a message's headers. */
  telemetry?: RuntimeTelemetry | undefined;
  closed(): boolean;
}

/**
 * Everything that arrives: core inboxes, topics, durable inboxes and heartbeats. Decodes and
 * checks each message once, refuses what is bad (`reject`: counted, traced, dead-lettered
 * with its original bytes and subject, once per NATS message), applies inbound faults and the
 * schedule's gate, and hands each envelope to its actor in `deliver`, the one place a message
 * is delivered.
 */
export class InboundRouter implements HeartbeatSource {
  readonly #o: InboundRouterOptions;
  readonly #beatListeners = new Set<(hb: Heartbeat, subject: string) => void>();
  #beatSub: Subscription | undefined;

  constructor(options: InboundRouterOptions) {
    this.#o = options;
  }

  // ---- arrival ---------------------------------------------------------------------------

  /** A core inbox message (one envelope or a batch). */
  readonly onInbox = (err: Error | null, msg: Msg): void => {
    const o = this.#o;
    if (err) {
      o.lane.emit({ kind: 'mark', name: 'subscription.error', error: err.message });
      return;
    }
    const cell = o.registry.atInbox(msg.subject);
    if (!cell) {
      o.stats.foreign++;
      return;
    }
    this.#frame(msg, cell, undefined);
  };

  /** A broadcast on one of the team's topics. */
  readonly onTopic = (err: Error | null, msg: Msg): void => {
    const o = this.#o;
    if (err) {
      o.lane.emit({ kind: 'mark', name: 'subscription.error', error: err.message });
      return;
    }
    const topic = msg.subject.slice(msg.subject.lastIndexOf('.') + 1);
    if (o.registry.members(topic).size === 0) return;
    this.#frame(msg, undefined, topic);
  };

  /*
   * The frame being decoded: its target (an inbox's actor, or a topic) and what it refused.
   * Fields rather than closures, so a frame costs no allocation; decoding is synchronous and
   * nothing it calls decodes another frame.
   */
  #subject = '';
  #headers: MsgHdrs | undefined;
  #cell: ActorCell | undefined;
  #topic: string | undefined;
  #refused = 0;
  #firstReason = '';
  #firstEnv: Envelope | undefined;

  /**
   * Decodes a frame (verifying its signature when signing is on) and routes each valid
   * envelope. Everything refused in one NATS message becomes one reject: the first reason,
   * and how many of a batch's envelopes shared its fate.
   */
  #frame(msg: Msg, cell: ActorCell | undefined, topic: string | undefined): void {
    this.#subject = msg.subject;
    this.#headers = msg.headers;
    this.#cell = cell;
    this.#topic = topic;
    this.#refused = 0;
    this.#firstEnv = undefined;
    const o = this.#o;
    if (o.signer) o.signer.decodeFrame(msg.data, msg.headers, this.#take, this.#refuse);
    else decodeFrame(msg.data, this.#take, this.#refuse, o.validate);
    if (this.#refused === 0) return;
    const reason =
      this.#refused > 1
        ? `${this.#firstReason} (and ${this.#refused - 1} more in the batch)`
        : this.#firstReason;
    this.reject(cell?.lane ?? o.lane, msg.subject, msg.data, reason, this.#firstEnv);
  }

  readonly #refuse = (reason: string, env?: Envelope | number): void => {
    if (this.#refused++ === 0) {
      this.#firstReason = reason;
      this.#firstEnv = typeof env === 'object' ? env : undefined;
    }
  };

  readonly #take = (env: Envelope): void => {
    const o = this.#o;
    o.telemetry?.noteInbound(env, this.#headers);
    const cell = this.#cell;
    if (cell) {
      if (env.to !== cell.id || env.team !== o.team) {
        this.#refuse(
          `envelope for ${env.team}/${env.to} arrived on the inbox of ${o.team}/${cell.id}`,
          env,
        );
      } else this.#arrive(cell, env, this.#subject);
      return;
    }
    const topic = this.#topic!;
    if (env.to !== `#${topic}` || env.team !== o.team) {
      this.#refuse(`envelope for ${env.team}/${env.to} on topic ${topic}`, env);
      return;
    }
    const subject = this.#subject;
    for (const member of o.registry.members(topic)) {
      if (member.id !== env.from) this.#arrive(member, env, subject);
    }
  };

  /** Schedule control first (it may hold the envelope), then inbound faults, then delivery. */
  #arrive(cell: ActorCell, env: Envelope, subject: string): void {
    const gate = this.#o.gate;
    if (gate?.hold(env, cell.id, 'at-most-once', (d) => this.#released(cell, env, subject, d))) {
      return;
    }
    this.#intercept(cell, env, subject);
  }

  #released(
    cell: ActorCell,
    env: Envelope,
    subject: string,
    decision: InterceptDecision | undefined,
  ): void {
    if (this.#o.closed()) return;
    if (decision && decision.action !== 'deliver') this.#faulted(cell, env, subject, decision);
    else this.#intercept(cell, env, subject);
  }

  #intercept(cell: ActorCell, env: Envelope, subject: string): void {
    const decision = this.#o.interceptor?.inbound?.(env, cell.id, 'at-most-once');
    if (decision && decision.action !== 'deliver') this.#faulted(cell, env, subject, decision);
    else this.deliver(cell, env, subject);
  }

  /** A fault on a receive: traced and counted in one place, then held, copied or dropped. */
  #faulted(cell: ActorCell, env: Envelope, subject: string, decision: InterceptDecision): void {
    const o = this.#o;
    o.held.run(resolveFault(decision, cell.lane, env.id, 'recv', o.stats), () => {
      if (!o.closed()) this.deliver(cell, env, subject);
    });
  }

  // ---- delivery ---------------------------------------------------------------------------

  /**
   * The one place an envelope is handed to its actor: at-most-once (`durable` absent) or
   * at-least-once (with its JetStream message, acknowledged by the actor when done). A valid
   * message for an actor that is not running is late, not rejected.
   */
  deliver(cell: ActorCell, env: Envelope, subject: string, durable?: JsMsg): void {
    if (durable) {
      cell.receiveDurable(env, durable);
      return;
    }
    if (cell.status !== 'running') {
      cell.late(env, subject, 'at-most-once');
      return;
    }
    this.#o.stats.received++;
    cell.receive(env, 'at-most-once');
  }

  // ---- refusal ------------------------------------------------------------------------------

  /** Counts, traces and dead-letters a message that cannot be delivered. Never silent. */
  reject(lane: TraceLane, subject: string, data: Uint8Array, reason: string, env?: Envelope): void {
    const o = this.#o;
    o.stats.rejected++;
    lane.emit({
      kind: 'reject',
      reason,
      subject,
      bytes: data.length,
      ...(env ? { msgId: env.id, from: env.from } : {}),
    });
    if (o.nc.isClosed() || o.nc.isDraining()) return;
    const h = natsHeaders();
    h.set('Llmt-Reason', reason.replace(/[^\x20-\x7e]/g, '?').slice(0, 512));
    h.set('Llmt-Subject', subject);
    h.set('Llmt-Node', o.node);
    h.set('Llmt-Actor', lane.id);
    o.nc.publish(o.subjects.dlq, data, { headers: h });
    o.stats.deadLettered++;
  }

  // ---- heartbeats -----------------------------------------------------------------------------

  onHeartbeat(listener: (hb: Heartbeat, subject: string) => void): () => void {
    this.#beatListeners.add(listener);
    this.#beatSub ??= this.#o.nc.subscribe(this.#o.subjects.heartbeatWildcard, {
      callback: (err, msg) => {
        if (err) return;
        const hb = parseHeartbeat(msg.data, msg.subject);
        if (typeof hb === 'string') {
          this.reject(this.#o.lane, msg.subject, msg.data, hb);
          return;
        }
        for (const l of this.#beatListeners) l(hb, msg.subject);
      },
    });
    return () => {
      this.#beatListeners.delete(listener);
    };
  }

  close(): void {
    this.#beatSub?.unsubscribe();
    this.#beatListeners.clear();
  }
}
