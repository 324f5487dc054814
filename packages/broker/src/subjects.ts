import { BrokerError } from './errors.js';

/** Default subject prefix (docs/architecture.md, Subjects). */
export const DEFAULT_SUBJECT_PREFIX = 'llmt';

const TOKEN = /^[A-Za-z0-9_-]{1,128}$/;

/**
 * Checks one subject token (a prefix, team, actor or topic name): letters, digits, `_` and
 * `-` only, so it can never smuggle a `.`, a wildcard or whitespace into a subject, and so
 * the same string is also a valid JetStream stream, consumer and KV bucket name.
 */
export function assertToken(kind: string, value: string): string {
  if (typeof value !== 'string' || !TOKEN.test(value)) {
    throw new BrokerError(
      'INVALID_SUBJECT_TOKEN',
      `invalid ${kind} ${JSON.stringify(value)}: use 1-128 characters from A-Z a-z 0-9 _ -`,
    );
  }
  return value;
}

/** Every subject of one team (docs/architecture.md, Subjects). */
export interface TeamSubjects {
  readonly prefix: string;
  readonly team: string;
  /** `<prefix>.<team>.actor.<actorId>`: an actor's inbox (at-most-once, core NATS). */
  inbox(actorId: string): string;
  /** `<prefix>.<team>.actor.*`: every inbox of the team; one subscription per host. */
  readonly inboxWildcard: string;
  /**
   * `<prefix>.<team>.actor.<actorId>.durable`: the at-least-once inbox, captured by the team's
   * JetStream stream. A separate token keeps durable traffic out of the core wildcard above.
   */
  durableInbox(actorId: string): string;
  /** `<prefix>.<team>.actor.*.durable`: every durable inbox (the stream's subject filter). */
  readonly durableInboxWildcard: string;
  /** `<prefix>.<team>.topic.<name>`: a broadcast topic. */
  topic(name: string): string;
  readonly topicWildcard: string;
  /** `<prefix>.<team>.hb.<actorId>`: heartbeats. */
  heartbeat(actorId: string): string;
  readonly heartbeatWildcard: string;
  /** `<prefix>.<team>.control.<...tokens>`: faults and lifecycle. */
  control(...tokens: string[]): string;
  readonly controlWildcard: string;
  /** `<prefix>.<team>.trace`: the live trace. */
  readonly trace: string;
  /** `<prefix>.<team>.dlq`: dead letters. */
  readonly dlq: string;
  /** The actor id an inbox subject names, or undefined when the subject is not an inbox. */
  actorOfInbox(subject: string): string | undefined;
}

export interface TeamSubjectsOptions {
  team: string;
  /** Subject prefix. Default `llmt`. */
  prefix?: string;
}

export function createTeamSubjects(options: TeamSubjectsOptions): TeamSubjects {
  const prefix = assertToken('subject prefix', options.prefix ?? DEFAULT_SUBJECT_PREFIX);
  const team = assertToken('team', options.team);
  const base = `${prefix}.${team}`;
  const inboxBase = `${base}.actor.`;
  return {
    prefix,
    team,
    inbox: (actorId) => inboxBase + assertToken('actor id', actorId),
    inboxWildcard: `${inboxBase}*`,
    durableInbox: (actorId) => `${inboxBase}${assertToken('actor id', actorId)}.durable`,
    durableInboxWildcard: `${inboxBase}*.durable`,
    topic: (name) => `${base}.topic.${assertToken('topic', name)}`,
    topicWildcard: `${base}.topic.*`,
    heartbeat: (actorId) => `${base}.hb.${assertToken('actor id', actorId)}`,
    heartbeatWildcard: `${base}.hb.*`,
    control: (...tokens) =>
      [`${base}.control`, ...tokens.map((t) => assertToken('control token', t))].join('.'),
    controlWildcard: `${base}.control.>`,
    trace: `${base}.trace`,
    dlq: `${base}.dlq`,
    actorOfInbox(subject) {
      if (!subject.startsWith(inboxBase)) return undefined;
      const rest = subject.slice(inboxBase.length);
      const dot = rest.indexOf('.');
      return dot === -1 ? rest : rest.slice(0, dot);
    },
  };
}
