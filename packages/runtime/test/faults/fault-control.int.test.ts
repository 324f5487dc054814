import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createTeamSubjects } from '@llm-teams/broker';
import { sendFaultControl, serveFaultControl } from '@llm-teams/runtime';
import { startHostFixture, type HostFixture } from '@llm-teams/testkit';
import { faults, order, recvs, startFaultTeam } from './fault-harness.js';

describe('live faults over the control subject', () => {
  let fx: HostFixture;
  beforeEach(async () => {
    fx = await startHostFixture({ provision: false });
  });
  afterEach(() => fx.close());

  it('adds, lists and clears faults in a running team from another connection', async () => {
    const t = await startFaultTeam(fx, { team: 'live', ids: ['a', 'b'] });
    const subjects = createTeamSubjects({ team: 'live' });
    fx.track(await serveFaultControl(t.injector, { nc: fx.nc, subjects, node: 'h1' }));
    const chaos = await fx.connect('chaos');

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
    const t = await startFaultTeam(fx, { team: 'livebad', ids: ['a', 'b'] });
    const subjects = createTeamSubjects({ team: 'livebad' });
    fx.track(await serveFaultControl(t.injector, { nc: fx.nc, subjects, node: 'h1' }));
    const [reply] = await sendFaultControl(
      fx.nc,
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
    const t = await startFaultTeam(fx, { team: 'junk', ids: ['a', 'b'] });
    const subjects = createTeamSubjects({ team: 'junk' });
    fx.track(
      await serveFaultControl(t.injector, {
        nc: fx.nc,
        subjects,
        node: 'h1',
        onReject: (subject, data, reason) => t.host.deadLetter(subject, data, reason),
      }),
    );
    const chaos = await fx.connect('chaos');
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
      fx.nc,
      createTeamSubjects({ team: 'nobody' }),
      { op: 'list' },
      { waitMs: 300 },
    );
    expect(replies).toEqual([]);
  });
});
