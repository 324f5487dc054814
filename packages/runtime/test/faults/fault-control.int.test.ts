import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createTeamSubjects, type NatsConnection } from '@llm-teams/broker';
import {
  sendFaultControl,
  serveFaultControl,
  type ActorHost,
  type FaultControlServer,
} from '@llm-teams/runtime';
import { startNatsFixture, type NatsFixture } from '../../../../test/support/index.js';
import { faults, order, recvs, startFaultTeam } from './fault-harness.js';

describe('live faults over the control subject', () => {
  let nats: NatsFixture;
  let nc: NatsConnection;
  const hosts: ActorHost[] = [];
  const servers: FaultControlServer[] = [];
  beforeEach(async () => {
    nats = await startNatsFixture();
    nc = await nats.connect();
  });
  afterEach(async () => {
    for (const s of servers.splice(0)) await s.close();
    for (const h of hosts.splice(0)) await h.close();
    await nats.close();
  });

  it('adds, lists and clears faults in a running team from another connection', async () => {
    const t = await startFaultTeam(nc, { team: 'live', ids: ['a', 'b'] });
    hosts.push(t.host);
    const subjects = createTeamSubjects({ team: 'live' });
    servers.push(await serveFaultControl(t.injector, { nc, subjects, node: 'h1' }));
    const chaos = await nats.connect('chaos');

    const added = await sendFaultControl(
      chaos,
      subjects,
      {
        op: 'add',
        faults: [
          { id: 'cut', kind: 'drop', from: 'a', to: 'b' },
          { id: 'k', kind: 'crash', target: 'b' },
        ],
      },
      { waitMs: 300 },
    );
    expect(added).toEqual([
      {
        node: 'h1',
        ok: true,
        added: ['cut'],
        ignored: [{ id: 'k', kind: 'crash', reason: 'not a message fault' }],
      },
    ]);
    const listed = await sendFaultControl(chaos, subjects, { op: 'list' }, { waitMs: 300 });
    expect(listed[0]!.faults).toEqual([{ id: 'cut', kind: 'drop', state: 'active', hits: 0 }]);

    t.actors['a']!.runtime.tell('b', 'ping');
    await t.when((ev) => faults(ev, 'drop').some((f) => f['side'] === 'send'));
    const cleared = await sendFaultControl(chaos, subjects, { op: 'clear' }, { waitMs: 300 });
    expect(cleared[0]!.cleared).toEqual(['cut']);
    t.actors['a']!.runtime.tell('b', 'ping');
    await t.when((ev) => recvs(ev, 'b', 'ping').length === 1);
    expect(order(t.events, 'b', 'ping')).toEqual([2]);
    expect(faults(t.events, 'drop').map((f) => f['phase'] ?? f['side'])).toEqual([
      'on',
      'send',
      'off',
    ]);
  });

  it('refuses a request with a bad fault and adds none of it', async () => {
    const t = await startFaultTeam(nc, { team: 'livebad', ids: ['a', 'b'] });
    hosts.push(t.host);
    const subjects = createTeamSubjects({ team: 'livebad' });
    servers.push(await serveFaultControl(t.injector, { nc, subjects, node: 'h1' }));
    const [reply] = await sendFaultControl(
      nc,
      subjects,
      {
        op: 'add',
        faults: [
          { kind: 'drop', to: 'b' },
          { kind: 'delay', delay: '5 weeks', form: 'a' },
        ],
      },
      { waitMs: 300 },
    );
    expect(reply!.ok).toBe(false);
    expect(reply!.errors).toEqual([
      'faults[1].delay: bad duration "5 weeks": use ms (a number >= 0) or a string like 500ms, 2s, 1.5m',
      'faults[1]: unknown field "form"',
    ]);
    expect(t.injector.list()).toEqual([]);
  });

  it('a control request that is not one is answered with the reason and dead-lettered by the host', async () => {
    const t = await startFaultTeam(nc, { team: 'junk', ids: ['a', 'b'] });
    hosts.push(t.host);
    const subjects = createTeamSubjects({ team: 'junk' });
    servers.push(
      await serveFaultControl(t.injector, {
        nc,
        subjects,
        node: 'h1',
        onReject: (subject, data, reason) => t.host.deadLetter(subject, data, reason),
      }),
    );
    const chaos = await nats.connect('chaos');
    const subject = subjects.control('fault', 'add');
    const reply = await chaos.request(subject, new Uint8Array([0xff, 0x00, 0x7b]), {
      timeout: 2000,
    });
    const answer = JSON.parse(new TextDecoder().decode(reply.data)) as {
      ok: boolean;
      errors: string[];
    };
    expect(answer.ok).toBe(false);
    expect(answer.errors[0]).toMatch(/not JSON/);
    expect(t.host.stats.rejected).toBe(1);
    expect(t.host.stats.deadLettered).toBe(1);
  });

  it('nobody answers for a team no process serves', async () => {
    const replies = await sendFaultControl(
      nc,
      createTeamSubjects({ team: 'nobody' }),
      { op: 'list' },
      { waitMs: 300 },
    );
    expect(replies).toEqual([]);
  });
});
