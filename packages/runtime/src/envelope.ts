/**
 * The envelope contract (docs/architecture.md, Envelope). Every message between actors is one
 * of these, msgpack-encoded as a msgpackr record of the shared structure `ENVELOPE_KEYS` (see
 * `codec.ts`): the keys are not repeated per message, and the decoder builds the object
 * directly. The key order is part of the schema version.
 */
export const ENVELOPE_VERSION = 1;

/** Field order of the envelope record; every in-memory envelope has exactly these keys. */
export const ENVELOPE_KEYS = [
  'v',
  'id',
  'team',
  'from',
  'to',
  'type',
  'lamport',
  'seq',
  'attempt',
  'causeId',
  'corrId',
  'sentAt',
  'body',
] as const;

export interface Envelope<TBody = unknown> {
  /** Schema version, `ENVELOPE_VERSION`. */
  v: number;
  /** Unique per logical message; a retry keeps it, receivers deduplicate on it. */
  id: string;
  team: string;
  /** Sending actor id. */
  from: string;
  /** Receiving actor id, or `#<topic>` for a broadcast. */
  to: string;
  /** Dotted message type, e.g. `task.assign`. */
  type: string;
  /** The sender's Lamport time at this send (each retry is a new send event). */
  lamport: number;
  /** Per (from, to) channel counter, from 1; a retry keeps it. */
  seq: number;
  /** 1 for the first transmission, incremented by each retry. */
  attempt: number;
  /** The message whose handling caused this one (present, possibly undefined). */
  causeId: string | undefined;
  /** For a reply: the id of the request it answers (present, possibly undefined). */
  corrId: string | undefined;
  /** Wall clock at send, ms since epoch: for latency only, never for ordering. */
  sentAt: number;
  body: TBody;
}

/** An incoming envelope as the xstate event an actor receives. */
export interface MessageEvent<TType extends string = string, TBody = unknown> {
  type: TType;
  body: TBody;
  envelope: Envelope<TBody>;
}

const TOKEN = /^[A-Za-z0-9_-]{1,128}$/;
const TOPIC_TARGET = /^#[A-Za-z0-9_-]{1,128}$/;
const TYPE = /^[A-Za-z0-9_-]+(\.[A-Za-z0-9_-]+)*$/;

/** Event types the runtime raises locally; a message may not forge them. */
export const RESERVED_EVENT_TYPES: ReadonlySet<string> = new Set(['ask.failed', 'send.failed']);

/** Why a message type is not allowed on the wire, or undefined when it is. */
export function messageTypeProblem(type: unknown): string | undefined {
  if (typeof type !== 'string' || type.length === 0 || type.length > 128 || !TYPE.test(type)) {
    return `type must be a dotted name of 1-128 characters (A-Z a-z 0-9 _ -), got ${describe(type)}`;
  }
  if (type.startsWith('xstate.')) return `type ${type} is reserved for xstate`;
  if (RESERVED_EVENT_TYPES.has(type)) return `type ${type} is reserved for the runtime`;
  return undefined;
}

export function isTopicTarget(to: string): boolean {
  return to.charCodeAt(0) === 35; /* # */
}

export function describe(value: unknown): string {
  if (value === null) return 'null';
  if (value === undefined) return 'undefined';
  if (typeof value === 'string') {
    return JSON.stringify(value.length > 40 ? value.slice(0, 40) + '…' : value);
  }
  if (typeof value === 'number' || typeof value === 'boolean') return String(value);
  return Array.isArray(value) ? 'an array' : `a ${typeof value}`;
}

function isCount(value: unknown, min: number): value is number {
  return typeof value === 'number' && Number.isSafeInteger(value) && value >= min;
}

/** A nil `causeId` / `corrId` becomes undefined; anything but a short string is a problem. */
function optionalIdProblem(
  e: Record<string, unknown>,
  key: 'causeId' | 'corrId',
): string | undefined {
  const v = e[key];
  if (v === null) e[key] = undefined;
  else if (v !== undefined && (typeof v !== 'string' || v.length > 128)) {
    return `${key} must be a string or nil, got ${describe(v)}`;
  }
  return undefined;
}

/** Checks a decoded envelope in place: the envelope, or the reason it is invalid. */
export type EnvelopeValidator = (value: unknown) => Envelope | string;

/*
 * The last valid value of each name field, per validator. A stream of envelopes repeats the
 * same team, sender, receiver and type, and comparing a short string is cheaper than running
 * its pattern again. Only values that passed the full check are remembered, so the memo
 * cannot admit a bad one.
 */
interface NameMemo {
  team: unknown;
  from: unknown;
  to: unknown;
  type: unknown;
}

const NOTHING_YET: unknown = Symbol('nothing validated yet');

/**
 * Checks a decoded envelope in place and returns it, or the reason it is invalid.
 * Hand-written rather than a schema library: this runs for every message, and a dozen
 * `typeof` checks cost tens of nanoseconds (a zod object schema measured ~10x that here).
 */
export function validateEnvelope(value: unknown): Envelope | string {
  return checkEnvelope(value, freshMemo());
}

/** A validator that remembers the last valid name fields: one per host (or decoder). */
export function createEnvelopeValidator(): EnvelopeValidator {
  const memo = freshMemo();
  return (value) => checkEnvelope(value, memo);
}

function freshMemo(): NameMemo {
  return { team: NOTHING_YET, from: NOTHING_YET, to: NOTHING_YET, type: NOTHING_YET };
}

function checkEnvelope(value: unknown, memo: NameMemo): Envelope | string {
  if (value === null || typeof value !== 'object' || Array.isArray(value)) {
    return `envelope must be a msgpack map or envelope record, got ${describe(value)}`;
  }
  const e = value as Record<string, unknown>;
  if (e['v'] !== ENVELOPE_VERSION) {
    return `unsupported envelope version ${describe(e['v'])} (this runtime reads ${ENVELOPE_VERSION})`;
  }
  const { id, team, from, to, type, lamport, seq, attempt, sentAt } = e;
  if (typeof id !== 'string' || id.length === 0 || id.length > 128) {
    return `id must be a string of 1-128 characters, got ${describe(id)}`;
  }
  if (team !== memo.team) {
    if (typeof team !== 'string' || !TOKEN.test(team)) return `team is invalid: ${describe(team)}`;
    memo.team = team;
  }
  if (from !== memo.from) {
    if (typeof from !== 'string' || !TOKEN.test(from)) return `from is invalid: ${describe(from)}`;
    memo.from = from;
  }
  if (to !== memo.to) {
    if (typeof to !== 'string' || !(TOKEN.test(to) || TOPIC_TARGET.test(to))) {
      return `to is invalid: ${describe(to)}`;
    }
    memo.to = to;
  }
  if (type !== memo.type) {
    const typeProblem = messageTypeProblem(type);
    if (typeProblem) return typeProblem;
    memo.type = type;
  }
  if (!isCount(lamport, 1)) return `lamport must be a positive integer, got ${describe(lamport)}`;
  if (!isCount(seq, 1)) return `seq must be a positive integer, got ${describe(seq)}`;
  if (!isCount(attempt, 1)) return `attempt must be a positive integer, got ${describe(attempt)}`;
  const idProblem = optionalIdProblem(e, 'causeId') ?? optionalIdProblem(e, 'corrId');
  if (idProblem) return idProblem;
  if (typeof sentAt !== 'number' || !Number.isFinite(sentAt)) {
    return `sentAt must be a finite number, got ${describe(sentAt)}`;
  }
  if (!('body' in e)) e['body'] = undefined;
  return e as unknown as Envelope;
}

/** Builds an envelope with every key in record order (so it encodes as the shared record). */
export function createEnvelope(
  fields: Omit<Envelope, 'v' | 'causeId' | 'corrId'> & {
    causeId?: string | undefined;
    corrId?: string | undefined;
  },
): Envelope {
  return {
    v: ENVELOPE_VERSION,
    id: fields.id,
    team: fields.team,
    from: fields.from,
    to: fields.to,
    type: fields.type,
    lamport: fields.lamport,
    seq: fields.seq,
    attempt: fields.attempt,
    causeId: fields.causeId,
    corrId: fields.corrId,
    sentAt: fields.sentAt,
    body: fields.body,
  };
}
