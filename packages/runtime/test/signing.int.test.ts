import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { setup } from 'xstate';
import {
  headers as natsHeaders,
  jetstream,
  type Msg,
  type NatsConnection,
  type TeamResources,
} from '@llm-teams/broker';
import {
  createActorSigningKeys,
  createEnvelope,
  createEnvelopeSigner,
  createMemoryTrace,
  encodeEnvelope,
  reply,
  type ActorHost,
  type ActorHostOptions,
  type Envelope,
  type MessageEvent,
  type RejectTrace,
} from '@llm-teams/runtime';
import { startHostFixture, until, type HostFixture } from '@llm-teams/testkit';

const TEAM = 'sig';

/** Records every message it receives; answers `q.ask`. */
function recorder(got: Envelope[]) {
  return setup({ types: { events: {} as MessageEvent } }).createMachine({
    on: {
      'q.ask': { actions: reply('q.answer', { ok: true }) },
      '*': {
        actions: ({ event }) => {
          if ('envelope' in event) got.push(event.envelope);
        },
      },
    },
  });
}

const forged = (from: string, to: string, id: string, extra: Partial<Envelope> = {}) =>
  createEnvelope({
    id,
    team: TEAM,
    from,
    to,
    type: 'note.add',
    lamport: 1,
    seq: 1,
    attempt: 1,
    sentAt: Date.now(),
    body: { forged: true },
    ...extra,
  });

describe('signed envelopes between hosts', () => {
  let t: HostFixture;
  let nc: NatsConnection;
  let resources: TeamResources;
  const { keys, trusted } = createActorSigningKeys(['alice', 'bob', 'carol', 'mallory']);
  const signingFor = (...ids: string[]): ActorHostOptions['signing'] => ({
    keys: Object.fromEntries(ids.map((id) => [id, keys[id]!])),
    trusted,
  });
  const deadLetters: Msg[] = [];

  beforeEach(async () => {
    t = await startHostFixture({ team: TEAM });
    nc = t.nc;
    resources = t.resources!;
    deadLetters.length = 0;
    nc.subscribe(resources.subjects.dlq, { callback: (_e, m) => void deadLetters.push(m) });
    await nc.flush();
  });
  afterEach(() => t.close());

  async function host(node: string, options: Partial<ActorHostOptions>): Promise<ActorHost> {
    return t.host({ nc: await t.connect(node), node, seed: node, ...options });
  }

  it('delivers signed tells, batches, asks, broadcasts and at-least-once messages', async () => {
    const trace = createMemoryTrace();
    const a = await host('A', {
      signing: signingFor('alice', 'carol'),
      trace,
      delivery: { types: { 'job.run': 'at-least-once' } },
    });
    const b = await host('B', { signing: signingFor('bob'), trace });
    const got: Envelope[] = [];
    const fromBob: Envelope[] = [];
    await b.spawn('bob', recorder(got), { durable: true, topics: ['team'] });
    const alice = await a.spawn('alice', recorder(fromBob), { topics: ['team'] });
    const carol = await a.spawn('carol', recorder([]));

    // One tick from two actors with different keys to one inbox: split into per-key frames.
    for (let i = 0; i < 5; i++) alice.runtime.tell('bob', 'note.add', { i });
    for (let i = 0; i < 3; i++) carol.runtime.tell('bob', 'note.add', { i });
    alice.runtime.broadcast('team', 'note.all', {});
    alice.runtime.tell('bob', 'job.run', { job: 'j1' });
    const answer = await alice.runtime.request('bob', 'q.ask', {}, { timeoutMs: 5000 });
    expect(answer.from).toBe('bob');
    // 5 + 3 tells, a broadcast, an at-least-once message (the ask is answered, not recorded).
    await until('every message delivered', () => got.length === 10);
    expect(got.filter((e) => e.from === 'carol')).toHaveLength(3);
    expect(got.find((e) => e.type === 'job.run')).toBeDefined();
    expect(got.find((e) => e.type === 'note.all')).toBeDefined();
    expect(a.stats.batches).toBeGreaterThanOrEqual(2);
    expect(a.stats.rejected + b.stats.rejected).toBe(0);
    expect(trace.events.filter((e) => e.kind === 'reject')).toEqual([]);
  });

  it('rejects, traces and dead-letters a message whose from does not match its signature', async () => {
    const trace = createMemoryTrace();
    const b = await host('B', { signing: signingFor('bob'), trace });
    const got: Envelope[] = [];
    await b.spawn('bob', recorder(got), { durable: true });
    const inbox = resources.subjects.inbox('bob');
    // Mallory holds a trusted key of her own and claims to be alice.
    const mallory = createEnvelopeSigner({ keys: { mallory: keys['mallory']! }, trusted });
    const impostor = encodeEnvelope(forged('alice', 'bob', 'f-1'));
    nc.publish(inbox, impostor, { headers: mallory.sign('mallory', impostor) });
    // Unsigned.
    nc.publish(inbox, encodeEnvelope(forged('alice', 'bob', 'f-2')));
    // Alice's signature over other bytes.
    const alice = createEnvelopeSigner({ keys: { alice: keys['alice']! }, trusted });
    const signed = encodeEnvelope(forged('alice', 'bob', 'f-3'));
    const tampered = encodeEnvelope(forged('alice', 'bob', 'f-3', { type: 'admin.grant' }));
    nc.publish(inbox, tampered, { headers: alice.sign('alice', signed) });
    // The at-least-once inbox is checked too.
    const js = jetstream(nc);
    const durableForgery = encodeEnvelope(forged('alice', 'bob', 'f-4'));
    await js.publish(resources.subjects.durableInbox('bob'), durableForgery, {
      msgID: 'f-4',
      headers: mallory.sign('mallory', durableForgery, natsHeaders()),
    });
    // And a genuine one still gets through.
    const genuine = encodeEnvelope(forged('alice', 'bob', 'ok-1'));
    nc.publish(inbox, genuine, { headers: alice.sign('alice', genuine) });
    await nc.flush();

    await until('four rejects and one delivery', () => b.stats.rejected === 4 && got.length === 1);
    expect(got.map((e) => e.id)).toEqual(['ok-1']);
    const rejects = trace.events.filter((e): e is RejectTrace => e.kind === 'reject');
    const byId = new Map(rejects.map((r) => [r.msgId, r]));
    expect(byId.get('f-1')).toMatchObject({ actor: 'bob', from: 'alice' });
    expect(byId.get('f-1')?.reason).toMatch(/not by alice's key/);
    expect(byId.get('f-2')?.reason).toMatch(/unsigned/);
    expect(byId.get('f-3')?.reason).toMatch(/bad signature/);
    expect(byId.get('f-4')?.subject).toBe(resources.subjects.durableInbox('bob'));
    expect(byId.get('f-4')?.reason).toMatch(/not by alice's key/);
    await until('four dead letters', () => deadLetters.length === 4);
    expect(deadLetters.map((m) => m.headers?.get('Llmt-Reason')).join('\n')).toMatch(
      /not by alice's key[\s\S]*unsigned/,
    );
    expect(b.stats.deadLettered).toBe(4);
  });

  it('rejects forged broadcasts once per frame, before any member sees them', async () => {
    const trace = createMemoryTrace();
    const b = await host('B', { signing: signingFor('bob', 'carol'), trace });
    const bobGot: Envelope[] = [];
    const carolGot: Envelope[] = [];
    await b.spawn('bob', recorder(bobGot), { topics: ['team'] });
    await b.spawn('carol', recorder(carolGot), { topics: ['team'] });
    const mallory = createEnvelopeSigner({ keys: { mallory: keys['mallory']! }, trusted });
    const data = encodeEnvelope(forged('alice', '#team', 'fb-1'));
    nc.publish(resources.subjects.topic('team'), data, { headers: mallory.sign('mallory', data) });
    const honest = encodeEnvelope(forged('mallory', '#team', 'hb-1'));
    nc.publish(resources.subjects.topic('team'), honest, {
      headers: mallory.sign('mallory', honest),
    });
    await until('honest broadcast delivered', () => bobGot.length === 1 && carolGot.length === 1);
    await until('forgery rejected', () => b.stats.rejected === 1);
    expect(trace.events.find((e) => e.kind === 'reject')).toMatchObject({
      actor: '@B',
      msgId: 'fb-1',
      from: 'alice',
    });
  });

  it('refuses to host an actor it cannot sign for, and leaves unsigned hosts as they were', async () => {
    const b = await host('B', { signing: signingFor('bob') });
    await expect(b.spawn('alice', recorder([]))).rejects.toThrow(/no signing key for actor alice/);

    // Without the option nothing is signed or checked: an unsigned host takes unsigned frames.
    const plain = await host('P', {});
    const got: Envelope[] = [];
    await plain.spawn('bob', recorder(got));
    nc.publish(resources.subjects.inbox('bob'), encodeEnvelope(forged('alice', 'bob', 'u-1')));
    await until('unsigned delivered to the plain host', () => got.length === 1);
    expect(plain.stats.rejected).toBe(0);
  });

  it('accepts unsigned messages when signing is not required', async () => {
    const b = await host('B', { signing: { ...signingFor('bob')!, required: false } });
    const got: Envelope[] = [];
    await b.spawn('bob', recorder(got));
    nc.publish(resources.subjects.inbox('bob'), encodeEnvelope(forged('alice', 'bob', 'u-1')));
    await until('unsigned delivered', () => got.length === 1);
    expect(b.stats.rejected).toBe(0);
  });
});
