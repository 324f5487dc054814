import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createUser } from '@nats-io/nkeys';
import {
  BrokerError,
  connectNats,
  createTeamAuthorization,
  jetstreamManager,
  AckPolicy,
  provisionTeam,
  startNatsServer,
  teamResourceNames,
  type NatsConnection,
  type NatsServer,
  type TeamMember,
} from '@llm-teams/broker';
import { nextPermissionError } from '@llm-teams/testkit';

const TEAM = 'demo';
const names = teamResourceNames({ team: TEAM });
const s = names.subjects;
const nkeyUser = createUser();
const members: TeamMember[] = [
  { name: 'director', role: 'admin', password: 'director-pw-1' },
  { name: 'coord1', role: 'coordinator', password: 'coord1-pw-1' },
  { name: 'a1', role: 'agent', password: 'a1-pw-1234' },
  { name: 'a2', role: 'agent', nkey: nkeyUser.getPublicKey() },
  { name: 'viewer', role: 'observer', password: 'viewer-pw-1' },
];
const auth = createTeamAuthorization({ team: TEAM, members });

describe('per-member NATS permissions', () => {
  let server: NatsServer;
  const open: NatsConnection[] = [];
  const as = async (name: string): Promise<NatsConnection> => {
    const m = members.find((x) => x.name === name)!;
    const nc = await connectNats({
      servers: server.url,
      name,
      ...(m.nkey
        ? { nkeySeed: new TextDecoder().decode(nkeyUser.getSeed()) }
        : { user: m.name, pass: m.password }),
      extra: { inboxPrefix: auth.inboxPrefix(name) },
    });
    open.push(nc);
    return nc;
  };

  beforeAll(async () => {
    server = await startNatsServer({ extraConfig: auth.config });
    await provisionTeam(await as('director'), { team: TEAM });
  });
  afterAll(async () => {
    await Promise.all(open.map((nc) => nc.close()));
    await server.close();
  });

  it('refuses unknown users and wrong passwords, without echoing them', async () => {
    const err = await connectNats({
      servers: server.url,
      user: 'a1',
      pass: 'wrong-pw-777',
      maxReconnectAttempts: 0,
      timeoutMs: 3000,
    }).then(
      () => undefined,
      (e: unknown) => e,
    );
    expect(err).toBeInstanceOf(BrokerError);
    expect((err as Error).message).toMatch(/Authorization Violation/i);
    expect((err as Error).message).not.toContain('wrong-pw-777');
  });

  it("lets an agent read its own inbox but not a teammate's", async () => {
    const a1 = await as('a1');
    const got: string[] = [];
    a1.subscribe(s.inbox('a1'), { callback: (_e, m) => void got.push(m.subject) });
    await a1.flush();
    const a2 = await as('a2');
    a2.publish(s.inbox('a1'), new Uint8Array([1]));
    await a2.flush();
    await expect.poll(() => got).toEqual([s.inbox('a1')]);

    const denied = nextPermissionError(a1);
    const spy = a1.subscribe(s.inbox('a2'));
    expect(await denied).toBe(`Permissions Violation for Subscription to "${s.inbox('a2')}"`);
    await expect(spy.closed).resolves.toBeInstanceOf(Error);
    const wildcard = nextPermissionError(a1);
    a1.subscribe(s.inboxWildcard);
    expect(await wildcard).toMatch(/Subscription to "llmt\.demo\.actor\.\*"/);
  });

  it('keeps each member to the subjects its role publishes on', async () => {
    const a1 = await as('a1');
    const refused = async (nc: NatsConnection, subject: string) => {
      const denied = nextPermissionError(nc);
      nc.publish(subject, new Uint8Array([1]));
      expect(await denied).toBe(`Permissions Violation for Publish to "${subject}"`);
    };
    await refused(a1, s.heartbeat('a2')); // another's heartbeat
    await refused(a1, s.control('fault', 'drop')); // faults are the admin's
    await refused(a1, s.inbox('stranger')); // not on the roster
    await refused(a1, `$KV.${names.buckets.leases}.leader`); // leases are the coordinators'
    await refused(a1, `$KV.${names.buckets.snapshots}.a2`); // another's checkpoint
    await refused(a1, `$JS.API.STREAM.DELETE.${names.inboxStream}`);
    const viewer = await as('viewer');
    await refused(viewer, s.inbox('a1'));
    await refused(viewer, s.topic('team'));
  });

  it("stops an agent consuming a teammate's durable inbox", async () => {
    const a1 = await as('a1');
    const jsm = await jetstreamManager(a1);
    const config = {
      durable_name: 'a2',
      filter_subject: s.durableInbox('a2'),
      ack_policy: AckPolicy.Explicit,
    };
    const denied = nextPermissionError(a1);
    const attempt = jsm.consumers.add(names.inboxStream, config).then(
      () => 'created',
      () => 'refused',
    );
    expect(await denied).toMatch(/Publish to "\$JS\.API\.CONSUMER\.CREATE\.llmt_demo_inbox\.a2/);
    expect(await attempt).toBe('refused');
    // Its own consumer is fine.
    await jsm.consumers.add(names.inboxStream, {
      ...config,
      durable_name: 'a1',
      filter_subject: s.durableInbox('a1'),
    });
  });

  it('lets the coordinator watch heartbeats, which agents may not', async () => {
    const coord = await as('coord1');
    const beats: string[] = [];
    coord.subscribe(s.heartbeatWildcard, { callback: (_e, m) => void beats.push(m.subject) });
    await coord.flush();
    const a1 = await as('a1');
    a1.publish(s.heartbeat('a1'), new Uint8Array([1]));
    await expect.poll(() => beats).toEqual([s.heartbeat('a1')]);
    const denied = nextPermissionError(a1);
    a1.subscribe(s.heartbeatWildcard);
    expect(await denied).toMatch(/Subscription to "llmt\.demo\.hb\.\*"/);
  });

  it('validates the roster', () => {
    expect(() =>
      createTeamAuthorization({
        team: TEAM,
        members: [
          { name: 'x', role: 'agent', password: 'p-123456', nkey: nkeyUser.getPublicKey() },
        ],
      }),
    ).toThrow(/exactly one of a password or an nkey/);
    expect(() =>
      createTeamAuthorization({
        team: TEAM,
        members: [{ name: 'x', role: 'agent', nkey: 'ABADKEY' }],
      }),
    ).toThrow(/not a public user key/);
    expect(() =>
      createTeamAuthorization({
        team: TEAM,
        members: [
          { name: 'x', role: 'agent', password: 'p-123456' },
          { name: 'x', role: 'agent', password: 'p-123456' },
        ],
      }),
    ).toThrow(/listed twice/);
    expect(auth.inboxPrefix('a1')).toBe('_INBOX.llmt.demo.a1');
    expect(auth.permissions['a1']?.subscribe.allow).toEqual([
      s.inbox('a1'),
      s.topicWildcard,
      s.controlWildcard,
      '_INBOX.llmt.demo.a1.>',
    ]);
  });
});
