import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { analyzeDelivery, runRuntimeCheckers } from '@llm-teams/runtime';
import { startHostFixture, type HostFixture } from '@llm-teams/testkit';
import { faults, order, recvs, startFaultTeam } from './fault-harness.js';

describe('message faults', () => {
  let fx: HostFixture;
  beforeEach(async () => {
    fx = await startHostFixture({ provision: false });
  });
  afterEach(() => fx.close());

  it('drop: the selected messages are not received, the others are', async () => {
    const t = await startFaultTeam(fx, { team: 'fdrop', ids: ['a', 'b', 'c'] });
    t.injector.add({ id: 'lose', kind: 'drop', from: 'a', to: 'b', type: 'ping', count: 2 });
    for (let i = 0; i < 5; i++) {
      t.actors['a']!.runtime.tell('b', 'ping', { i });
      t.actors['a']!.runtime.tell('c', 'ping', { i });
      t.actors['a']!.runtime.tell('b', 'other', { i });
    }
    await t.when((ev) => recvs(ev, 'b').length === 8 && recvs(ev, 'c').length === 5);
    // Pings and others share the channel a -> b: pings are its odd sequence numbers.
    expect(order(t.events, 'b', 'ping')).toEqual([5, 7, 9]);
    expect(order(t.events, 'c', 'ping')).toEqual([1, 2, 3, 4, 5]);
    const drops = faults(t.events, 'drop').filter((f) => f['side'] === 'send');
    expect(drops).toHaveLength(2);
    expect(drops.every((f) => f.actor === 'a' && f['faultId'] === 'lose')).toBe(true);
    expect(faults(t.events, 'drop').find((f) => f['phase'] === 'on')?.actor).toBe('chaos');
    const result = runRuntimeCheckers(t.events);
    expect(result.findings).toEqual([]);
    expect(analyzeDelivery(result.index).counts.dropped).toBe(2);
  });

  it('drop with a probability hits the same messages for the same seed', async () => {
    const dropped: number[][] = [];
    for (const run of [1, 2]) {
      const t = await startFaultTeam(fx, {
        team: `fprob${run}`,
        ids: ['a', 'b'],
        injector: { seed: 42 },
      });
      t.injector.add({ kind: 'drop', type: 'ping', probability: 0.5 });
      for (let i = 0; i < 20; i++) t.actors['a']!.runtime.tell('b', 'ping', { i });
      t.actors['a']!.runtime.tell('b', 'last');
      await t.when((ev) => recvs(ev, 'b', 'last').length === 1);
      const got = new Set(order(t.events, 'b', 'ping'));
      dropped.push(Array.from({ length: 20 }, (_, i) => i + 1).filter((seq) => !got.has(seq)));
      expect(faults(t.events, 'drop').filter((f) => f['side'])).toHaveLength(
        dropped.at(-1)!.length,
      );
    }
    expect(dropped[0]!.length).toBeGreaterThan(3);
    expect(dropped[0]!.length).toBeLessThan(17);
    expect(dropped[1]).toEqual(dropped[0]);
  });

  it('delay: a delayed message arrives later, after messages sent behind it', async () => {
    const t = await startFaultTeam(fx, { team: 'fdelay', ids: ['a', 'b'] });
    t.injector.add({
      kind: 'delay',
      type: 'slow',
      delay: { dist: 'uniform', minMs: 150, maxMs: 200 },
    });
    t.actors['a']!.runtime.tell('b', 'slow');
    t.actors['a']!.runtime.tell('b', 'fast');
    await t.when((ev) => recvs(ev, 'b').length === 2);
    expect(recvs(t.events, 'b').map((r) => r.type)).toEqual(['fast', 'slow']);
    const [fault] = faults(t.events, 'delay').filter((f) => f['side'] === 'send');
    expect(fault!['ms']).toBeGreaterThanOrEqual(150);
    const sent = t.events.find((e) => e.kind === 'send' && e.type === 'slow')!;
    expect(recvs(t.events, 'b', 'slow')[0]!.wall - sent.wall).toBeGreaterThanOrEqual(150);
    // The FIFO checker sees the overtaking and blames the injected delay (a warning).
    const fifo = runRuntimeCheckers(t.events).findings.filter((f) => f.checker === 'fifo');
    expect(fifo.map((f) => f.severity)).toEqual(['warning']);
  });

  it('duplicate: the receiver gets a copy and sees it as a duplicate', async () => {
    const t = await startFaultTeam(fx, { team: 'fdup', ids: ['a', 'b'] });
    t.injector.add({ kind: 'duplicate', type: 'ping', copies: 2 });
    t.actors['a']!.runtime.tell('b', 'ping');
    await t.when((ev) => recvs(ev, 'b', 'ping').length === 3);
    expect(recvs(t.events, 'b', 'ping').map((r) => r.dup ?? false)).toEqual([false, true, true]);
    expect(faults(t.events, 'duplicate').filter((f) => f['side'] === 'send')).toMatchObject([
      { actor: 'a', copies: 2 },
    ]);
    expect(runRuntimeCheckers(t.events).findings).toEqual([]);
  });

  it('duplicate of an at-least-once message: its ack is lost and JetStream delivers it again', async () => {
    const t = await startFaultTeam(fx, {
      team: 'fdupalo',
      ids: ['a', 'b'],
      delivery: { types: { job: 'at-least-once' } },
      ackWaitMs: 300,
    });
    const id = t.injector.add({ kind: 'duplicate', type: 'job', count: 1 });
    t.actors['a']!.runtime.tell('b', 'job');
    await t.when((ev) => recvs(ev, 'b', 'job').length === 2);
    const [first, second] = recvs(t.events, 'b', 'job');
    expect(first!.dup).toBeUndefined();
    expect(second).toMatchObject({ dup: true, redelivered: true });
    // The lost ack names the fault that lost it, as every message a fault hits does.
    expect(faults(t.events, 'ack.lost')).toEqual([
      expect.objectContaining({ faultId: id, msgId: first!.msgId }),
    ]);
  });

  it('reorder: a held message is released after the next k on its channel', async () => {
    const t = await startFaultTeam(fx, { team: 'freorder', ids: ['a', 'b'] });
    t.injector.add({ kind: 'reorder', type: 'step', after: 2, count: 1, maxHoldMs: 10_000 });
    // Messages one action sends together go out together: the held one follows the tick in
    // which the second message behind it went out.
    for (let i = 0; i < 3; i++) t.actors['a']!.runtime.tell('b', 'step', { i });
    await t.when((ev) => recvs(ev, 'b', 'step').length === 3);
    t.actors['a']!.runtime.tell('b', 'step', { i: 3 });
    await t.when((ev) => recvs(ev, 'b', 'step').length === 4);
    expect(order(t.events, 'b', 'step')).toEqual([2, 3, 1, 4]);
    const [held] = faults(t.events, 'reorder').filter((f) => f['side'] === 'send');
    expect(held).toMatchObject({ after: 2, ms: 10_000 });
    expect(held!['release']).toBeUndefined();
  });

  it('hold: held messages go, in order, when the fault is cleared', async () => {
    const t = await startFaultTeam(fx, { team: 'fhold', ids: ['a', 'b', 'c'] });
    const id = t.injector.add({ kind: 'hold', to: 'b' });
    for (let i = 0; i < 3; i++) t.actors['a']!.runtime.tell('b', 'ping', { i });
    t.actors['a']!.runtime.tell('c', 'ping');
    await t.when((ev) => recvs(ev, 'c').length === 1);
    await t.host.flush();
    expect(recvs(t.events, 'b')).toHaveLength(0);
    expect(t.injector.clear(id)).toEqual([id]);
    await t.when((ev) => recvs(ev, 'b').length === 3);
    expect(order(t.events, 'b', 'ping')).toEqual([1, 2, 3]);
    expect(faults(t.events, 'hold').map((f) => f['phase'] ?? f['side'])).toEqual([
      'on',
      'send',
      'send',
      'send',
      'off',
    ]);
  });

  it('at-least-once drop is a lost publish: the publisher retries and the message arrives', async () => {
    const t = await startFaultTeam(fx, {
      team: 'fdropalo',
      ids: ['a', 'b'],
      delivery: { types: { job: 'at-least-once' } },
    });
    t.injector.add({ kind: 'drop', type: 'job', count: 2 });
    t.actors['a']!.runtime.tell('b', 'job');
    await t.when((ev) => recvs(ev, 'b', 'job').length === 1);
    expect(faults(t.events, 'drop').filter((f) => f['side'] === 'send')).toHaveLength(2);
    expect(t.host.stats.dropped).toBe(2);
    expect(runRuntimeCheckers(t.events).findings).toEqual([]);
  });
});
