import { fromPublic } from '@nats-io/nkeys';
import { BrokerError } from './errors.js';
import { assertToken } from './subjects.js';
import type { TeamBucket } from './team-buckets.js';
import { teamResourceNames } from './team-resources.js';

/**
 * What a member of a team may do on NATS (docs/security.md, Permissions):
 * - `agent`: its own inboxes, the team's topics and control subjects; sends to the roster's
 *   inboxes; beats on its own heartbeat subject; reads and writes the board and files buckets
 *   and its own snapshot.
 * - `coordinator`: an agent that also watches every heartbeat and holds leader leases.
 * - `observer`: reads the live trace, heartbeats, topics and dead letters; sends nothing.
 * - `admin`: everything of this team, and the JetStream API to provision it (the director
 *   or `run` process, and the `chaos` tool).
 */
export type TeamRole = 'agent' | 'coordinator' | 'observer' | 'admin';

export interface TeamMember {
  /** The NATS user name (password users) and the member's name in the config. */
  name: string;
  role: TeamRole;
  /** The actors this user hosts. Default `[name]`. */
  actors?: string[];
  /** A password, or a bcrypt hash of one (`$2a$...`, from `nats server passwd`). */
  password?: string;
  /** A public user nkey (`U...`); the member connects with its seed. */
  nkey?: string;
  /** Topics it may broadcast on. Default: every topic of the team. */
  topics?: string[];
}

export interface TeamPermissionsOptions {
  team: string;
  /** Subject prefix. Default `llmt`. */
  prefix?: string;
  members: TeamMember[];
}

export interface SubjectPermissions {
  publish: { allow: string[] };
  subscribe: { allow: string[] };
}

export interface TeamAuthorization {
  /** A nats-server `authorization { users = [...] }` block, for `extraConfig`. */
  readonly config: string;
  /** Each member's permissions, by name. */
  readonly permissions: Readonly<Record<string, SubjectPermissions>>;
  /**
   * The reply-subject prefix a member must connect with (nats.js `inboxPrefix`, or
   * `--nats-inbox-prefix`): JetStream answers and deliveries arrive under it, and nobody
   * else may read it.
   */
  inboxPrefix(name: string): string;
}

/** Buckets each role uses, and whether it writes them. Snapshots are per actor (below). */
const ROLE_BUCKETS: Record<TeamRole, Partial<Record<TeamBucket, 'read' | 'write'>>> = {
  agent: { board: 'write', files: 'write', limits: 'write' },
  coordinator: { board: 'write', files: 'read', leases: 'write', limits: 'write' },
  observer: { board: 'read', files: 'read' },
  admin: {},
};

/** JetStream API subjects for using (not managing) the KV bucket stored in `stream`. */
function bucketAccess(bucket: string, access: 'read' | 'write'): string[] {
  const stream = `KV_${bucket}`;
  return [
    ...(access === 'write' ? [`$KV.${bucket}.>`] : []),
    `$JS.API.STREAM.INFO.${stream}`,
    `$JS.API.STREAM.MSG.GET.${stream}`,
    `$JS.API.DIRECT.GET.${stream}`,
    `$JS.API.DIRECT.GET.${stream}.>`,
    // Watchers and key listings are ordered consumers the client creates and deletes.
    `$JS.API.CONSUMER.CREATE.${stream}`,
    `$JS.API.CONSUMER.CREATE.${stream}.>`,
    `$JS.API.CONSUMER.DELETE.${stream}.>`,
    `$JS.API.CONSUMER.INFO.${stream}.>`,
    `$JS.API.CONSUMER.MSG.NEXT.${stream}.>`,
    `$JS.FC.${stream}.>`,
  ];
}

/**
 * One actor's own snapshot key: write only that key. Reads go by key too where the bucket
 * allows direct gets; otherwise the client falls back to `STREAM.MSG.GET`, whose subject names
 * no key, so on such servers an agent could read (never write) a teammate's checkpoint.
 */
function snapshotAccess(bucket: string, actor: string): string[] {
  const stream = `KV_${bucket}`;
  return [
    `$KV.${bucket}.${actor}`,
    `$JS.API.STREAM.INFO.${stream}`,
    `$JS.API.DIRECT.GET.${stream}.$KV.${bucket}.${actor}`,
    `$JS.API.STREAM.MSG.GET.${stream}`,
  ];
}

/**
 * The board: task entries (`task.<id>`, claimed and completed by compare-and-set) and each
 * hosted actor's own claim (`member.<id>`: where the member is live); never another member's
 * claim, nor the run's own keys (`run.*`, written by the director).
 */
function boardAccess(bucket: string, actors: readonly string[]): string[] {
  return [
    ...bucketAccess(bucket, 'read'),
    `$KV.${bucket}.task.>`,
    ...actors.map((a) => `$KV.${bucket}.member.${a}`),
  ];
}

/** A durable inbox consumer named after the actor (durable-inbox.ts), on the inbox stream. */
function durableConsumerAccess(stream: string, actor: string): string[] {
  return [
    `$JS.API.CONSUMER.INFO.${stream}.${actor}`,
    `$JS.API.CONSUMER.CREATE.${stream}.${actor}`,
    `$JS.API.CONSUMER.CREATE.${stream}.${actor}.>`,
    `$JS.API.CONSUMER.DURABLE.CREATE.${stream}.${actor}`,
    `$JS.API.CONSUMER.MSG.NEXT.${stream}.${actor}`,
    `$JS.ACK.${stream}.${actor}.>`,
  ];
}

function quote(value: string): string {
  return JSON.stringify(value);
}

function list(values: readonly string[], indent: string): string {
  return `[\n${values.map((v) => `${indent}  ${quote(v)}`).join(',\n')}\n${indent}]`;
}

/** Checks the roster (names, credentials); returns every actor id of the team. */
function validateMembers(members: readonly TeamMember[]): string[] {
  const seen = new Set<string>();
  const allActors: string[] = [];
  for (const m of members) {
    assertToken('member name', m.name);
    if (seen.has(m.name)) {
      throw new BrokerError('INVALID_OPTIONS', `member ${m.name} is listed twice`);
    }
    seen.add(m.name);
    if ((m.password === undefined) === (m.nkey === undefined)) {
      throw new BrokerError(
        'INVALID_OPTIONS',
        `member ${m.name} needs exactly one of a password or an nkey`,
      );
    }
    if (m.nkey !== undefined) {
      try {
        fromPublic(m.nkey);
      } catch {
        throw new BrokerError('INVALID_OPTIONS', `member ${m.name}: nkey is not a public user key`);
      }
      if (!m.nkey.startsWith('U')) {
        throw new BrokerError('INVALID_OPTIONS', `member ${m.name}: nkey is not a user key (U...)`);
      }
    }
    for (const a of m.actors ?? [m.name]) allActors.push(assertToken('actor id', a));
  }
  return allActors;
}

/** What one member may publish and subscribe to, for its role (docs/security.md). */
function grantsOf(
  m: TeamMember,
  names: ReturnType<typeof teamResourceNames>,
  allActors: readonly string[],
  inbox: string,
): { publish: string[]; subscribe: string[] } {
  const base = `${names.subjects.prefix}.${names.subjects.team}`;
  const subjects = names.subjects;
  const actors = m.actors ?? [m.name];
  if (m.role === 'admin') {
    const publish = [
      `${base}.>`,
      '$JS.API.>',
      '$JS.ACK.>',
      '$JS.FC.>',
      ...Object.values(names.buckets).map((b) => `$KV.${b}.>`),
    ];
    return { publish, subscribe: [`${base}.>`, inbox] };
  }
  if (m.role === 'observer') {
    const publish = [
      '$JS.API.INFO',
      ...Object.entries(ROLE_BUCKETS.observer).flatMap(([b, access]) =>
        bucketAccess(names.buckets[b as TeamBucket], access),
      ),
    ];
    const subscribe = [
      subjects.trace,
      subjects.heartbeatWildcard,
      subjects.topicWildcard,
      subjects.dlq,
      inbox,
    ];
    return { publish, subscribe };
  }
  const topics = m.topics?.map((t) => subjects.topic(t)) ?? [subjects.topicWildcard];
  const publish = [
    ...allActors.map((a) => subjects.inbox(a)),
    ...allActors.map((a) => subjects.durableInbox(a)),
    ...topics,
    ...actors.map((a) => subjects.heartbeat(a)),
    subjects.trace,
    subjects.dlq,
    '$JS.API.INFO',
    ...actors.flatMap((a) => durableConsumerAccess(names.inboxStream, a)),
    ...actors.flatMap((a) => snapshotAccess(names.buckets.snapshots, a)),
    ...Object.entries(ROLE_BUCKETS[m.role]).flatMap(([b, access]) =>
      b === 'board' && access === 'write'
        ? boardAccess(names.buckets.board, actors)
        : bucketAccess(names.buckets[b as TeamBucket], access),
    ),
  ];
  const subscribe = [
    ...actors.map((a) => subjects.inbox(a)),
    subjects.topicWildcard,
    subjects.controlWildcard,
    ...(m.role === 'coordinator' ? [subjects.heartbeatWildcard] : []),
    inbox,
  ];
  return { publish, subscribe };
}

/** The nats-server `authorization` block: one user per member, with its permissions. */
function authorizationBlock(
  members: readonly TeamMember[],
  permissions: Record<string, SubjectPermissions>,
): string {
  const users = members.map((m) => {
    const p = permissions[m.name]!;
    const who =
      m.nkey !== undefined
        ? `nkey: ${quote(m.nkey)}`
        : `user: ${quote(m.name)}, password: ${quote(m.password!)}`;
    return [
      `    {`,
      `      ${who}`,
      `      permissions: {`,
      `        publish: { allow: ${list(p.publish.allow, '        ')} }`,
      `        subscribe: { allow: ${list(p.subscribe.allow, '        ')} }`,
      `      }`,
      `    }`,
    ].join('\n');
  });
  return ['authorization {', '  users: [', users.join(',\n'), '  ]', '}'].join('\n');
}

/**
 * Generates per-member credentials and subject permissions for one team, as a nats-server
 * `authorization` block (append it with `extraConfig`). Every member gets the least it needs
 * for its role; what each grant is for is in docs/security.md. Several teams on one server:
 * concatenate their members into one roster (one `authorization` block per server).
 */
export function createTeamAuthorization(options: TeamPermissionsOptions): TeamAuthorization {
  const names = teamResourceNames({ team: options.team, prefix: options.prefix });
  const subjects = names.subjects;
  const base = `${subjects.prefix}.${subjects.team}`;
  const allActors = validateMembers(options.members);
  const inboxPrefix = (name: string) => `_INBOX.${base}.${assertToken('member name', name)}`;

  const permissions: Record<string, SubjectPermissions> = {};
  for (const m of options.members) {
    const inbox = `${inboxPrefix(m.name)}.>`;
    const { publish, subscribe } = grantsOf(m, names, allActors, inbox);
    permissions[m.name] = {
      publish: { allow: [...new Set(publish)] },
      subscribe: { allow: [...new Set(subscribe)] },
    };
  }

  const config = authorizationBlock(options.members, permissions);
  return { config, permissions, inboxPrefix };
}
