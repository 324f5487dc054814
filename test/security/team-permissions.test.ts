/**
 * A team whose every member connects with its own credentials and permissions, and signs
 * what it sends: it still does its work (durable jobs, replies, broadcasts, peer messages,
 * heartbeats, checkpoints), and nothing it does trips a permission.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { setup } from 'xstate';
import { Kvm } from '@nats-io/kv';
import { createUser } from '@nats-io/nkeys';
import {
  connectNats,
  createTeamAuthorization,
  provisionTeam,
  startNatsServer,
  teamResourceNames,
  type ConnectOptions,
  type NatsConnection,
  type NatsServer,
  type TeamMember,
} from '@llm-teams/broker';
import {
  broadcast,
  createActorHost,
  createActorSigningKeys,
  createFailureDetector,
  createKvSnapshotStore,
  createMemoryTrace,
  reply,
  runtimeOf,
  systemClock,
  type ActorHost,
  type Envelope,
  type MarkTrace,
  type MessageEvent,
} from '@llm-teams/runtime';
import { until } from '@llm-teams/testkit';

const TEAM = 'secure';
const names = teamResourceNames({ team: TEAM });
const a1Nkey = createUser();
const members: TeamMember[] = [
  { name: 'director', role: 'admin', password: 'director-pw-1' },
  { name: 'coord1', role: 'coordinator', password: 'coord1-pw-1' },
  { name: 'a1', role: 'agent', nkey: a1Nkey.getPublicKey() },
  { name: 'a2', role: 'agent', password: 'a2-pw-1234' },
];
const auth = createTeamAuthorization({ team: TEAM, members });
const signing = createActorSigningKeys(['coord1', 'a1', 'a2']);

function credentials(name: string): Partial<ConnectOptions> {
  const m = members.find((x) => x.name === name)!;
  return {
    name,
    ...(m.nkey
      ? { nkeySeed: new TextDecoder().decode(a1Nkey.getSeed()) }
      : { user: m.name, pass: m.password }),
    extra: { inboxPrefix: auth.inboxPrefix(name) },
  };
}

/** A worker: runs a durable job, replies, tells the news, and a1 passes a note to a2. */
function worker(notes: Envelope[]) {
  return setup({ types: { events: {} as MessageEvent } }).createMachine({
    on: {
      'job.run': {
        actions: [
          reply('job.done', ({ event }) => ({
            job: (event as MessageEvent<'job.run', { job: string }>).body.job,
          })),
          broadcast('team', 'team.progress', {}),
          ({ self, system }) => {
            if (self.id === 'a1') runtimeOf(system).tell('a2', 'peer.note', { hello: 'a2' });
          },
        ],
      },
      'peer.note': { actions: ({ event }) => void notes.push(event.envelope) },
    },
  });
}

describe('a team under per-agent credentials and signed envelopes', () => {
  let server: NatsServer;
  const connections: NatsConnection[] = [];
  const hosts: ActorHost[] = [];
  const statusErrors: string[] = [];
  const trace = createMemoryTrace();

  async function connectAs(name: string): Promise<NatsConnection> {
    const nc = await connectNats({ servers: server.url, ...credentials(name) });
    connections.push(nc);
    void (async () => {
      for await (const s of nc.status()) {
        if (s.type === 'error') statusErrors.push(`${name}: ${s.error.message}`);
      }
    })();
    return nc;
  }

  beforeAll(async () => {
    server = await startNatsServer({ extraConfig: auth.config });
    await provisionTeam(await connectAs('director'), { team: TEAM });
  });
  afterAll(async () => {
    for (const h of hosts) await h.close();
    await Promise.all(connections.map((nc) => nc.close()));
    await server.close();
  });

  it('works: durable jobs, replies, broadcasts, peer notes, heartbeats and checkpoints', async () => {
    const hostFor = async (id: string) => {
      const nc = await connectAs(id);
      const snapshots = createKvSnapshotStore(await new Kvm(nc).open(names.buckets.snapshots));
      const host = await createActorHost({
        nc,
        team: TEAM,
        node: `node-${id}`,
        seed: id,
        trace,
        inboxSubscription: 'per-actor',
        signing: { keys: { [id]: signing.keys[id]! }, trusted: signing.trusted },
        delivery: { types: { 'job.run': 'at-least-once' } },
        snapshots,
      });
      hosts.push(host);
      return { nc, host };
    };

    const notes: Envelope[] = [];
    const done: string[] = [];
    const progress: string[] = [];
    const a1 = await hostFor('a1');
    const a2 = await hostFor('a2');
    const c = await hostFor('coord1');
    for (const [id, h] of [
      ['a1', a1.host],
      ['a2', a2.host],
    ] as const) {
      await h.spawn(id, worker(notes), { topics: ['team'], heartbeat: { intervalMs: 50 } });
    }
    const coordinator = await c.host.spawn(
      'coord1',
      setup({ types: { events: {} as MessageEvent } }).createMachine({
        on: {
          'job.done': {
            actions: ({ event }) => void done.push((event.body as { job: string }).job),
          },
          'team.progress': { actions: ({ event }) => void progress.push(event.envelope.from) },
        },
      }),
      { topics: ['team'] },
    );
    const detector = createFailureDetector({
      nc: c.nc,
      subjects: c.host.subjects,
      clock: systemClock,
      expectedIntervalMs: 50,
    });
    try {
      coordinator.runtime.tell('a1', 'job.run', { job: 'j1' });
      coordinator.runtime.tell('a2', 'job.run', { job: 'j2' });
      await until('both jobs done, news broadcast, a note passed', () => {
        return done.length === 2 && progress.length === 2 && notes.length === 1;
      });
      expect(done.sort()).toEqual(['j1', 'j2']);
      expect(notes[0]?.from).toBe('a1');
      await until('the coordinator hears both heartbeats', () =>
        ['a1', 'a2'].every((a) => detector.known().includes(a)),
      );
      await a1.host.actor('a1')!.checkpoint();
      await a2.host.actor('a2')!.checkpoint();
    } finally {
      detector.close();
    }
    for (const h of hosts) expect(h.stats.rejected, h.node).toBe(0);
    expect(statusErrors).toEqual([]);
    expect(server.log()).not.toMatch(/Violation/);
  });

  it("cannot read a teammate's inbox: a wildcard host under agent credentials is refused", async () => {
    const nc = await connectAs('a2');
    const spyTrace = createMemoryTrace();
    const host = await createActorHost({ nc, team: TEAM, node: 'spy', trace: spyTrace });
    hosts.push(host);
    await until('the server refuses the wildcard subscription', () =>
      statusErrors.some((e) => e.startsWith('a2: Permissions Violation for Subscription')),
    );
    await until('the host records the refusal', () =>
      spyTrace.events.some(
        (e): e is MarkTrace =>
          e.kind === 'mark' &&
          e.name === 'subscription.error' &&
          String(e['error']).includes(names.subjects.inboxWildcard),
      ),
    );
    statusErrors.length = 0;
  });
});
