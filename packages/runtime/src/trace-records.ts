import type { DeliveryMode, RecvTrace, SendTrace } from './trace-event.js';

/*
 * The message path's trace events as classes: two per message, so they are built in one
 * shape each (declaration order is the JSON key order, optional fields come last when set),
 * and the recorder recognises them with one `instanceof` and encodes their fields into a
 * column buffer instead of formatting JSON on the actor's thread (see trace-chunk.ts).
 */

export class SendRecord implements SendTrace {
  readonly kind = 'send' as const;
  msgId: string;
  to: string;
  type: string;
  attempt: number;
  chanSeq: number;
  mode: DeliveryMode;
  actor: string;
  node: string;
  seq: number;
  lamport: number;
  wall: number;
  declare causeId?: string;
  declare corrId?: string;

  constructor(
    msgId: string,
    to: string,
    type: string,
    attempt: number,
    chanSeq: number,
    mode: DeliveryMode,
    actor: string,
    node: string,
    seq: number,
    lamport: number,
    wall: number,
  ) {
    this.msgId = msgId;
    this.to = to;
    this.type = type;
    this.attempt = attempt;
    this.chanSeq = chanSeq;
    this.mode = mode;
    this.actor = actor;
    this.node = node;
    this.seq = seq;
    this.lamport = lamport;
    this.wall = wall;
  }
}

export class RecvRecord implements RecvTrace {
  readonly kind = 'recv' as const;
  msgId: string;
  from: string;
  type: string;
  msgLamport: number;
  attempt: number;
  chanSeq: number;
  mode: DeliveryMode;
  actor: string;
  node: string;
  seq: number;
  lamport: number;
  wall: number;
  declare dup?: true;
  declare redelivered?: true;
  declare unhandled?: true;
  declare corrId?: string;

  constructor(
    msgId: string,
    from: string,
    type: string,
    msgLamport: number,
    attempt: number,
    chanSeq: number,
    mode: DeliveryMode,
    actor: string,
    node: string,
    seq: number,
    lamport: number,
    wall: number,
  ) {
    this.msgId = msgId;
    this.from = from;
    this.type = type;
    this.msgLamport = msgLamport;
    this.attempt = attempt;
    this.chanSeq = chanSeq;
    this.mode = mode;
    this.actor = actor;
    this.node = node;
    this.seq = seq;
    this.lamport = lamport;
    this.wall = wall;
  }
}
