import { describe, expect, it } from 'vitest';
import { createMemoryTrace, createVirtualClock, type FaultTrace } from '@llm-teams/runtime';
import { HeldDeliveries, resolveFault } from '../../src/delivery-faults.js';
import { TraceLane } from '../../src/trace-lane.js';
import { zeroHostStats } from '../../src/host-core.js';

describe('resolveFault: one path for every fault decision', () => {
  it('delivers without a trace or a count when there is no decision', () => {
    const trace = createMemoryTrace();
    const s = zeroHostStats();
    const lane = new TraceLane('a', 'n', trace, createVirtualClock());
    expect(resolveFault(undefined, lane, 'm1', 'send', s)).toEqual({ kind: 'deliver', copies: 0 });
    expect(resolveFault({ action: 'deliver' }, lane, 'm1', 'recv', s)).toEqual({
      kind: 'deliver',
      copies: 0,
    });
    expect(trace.events).toEqual([]);
    expect(s.dropped).toBe(0);
  });

  it('traces each fault with its details and side, and counts drops', () => {
    const trace = createMemoryTrace();
    const s = zeroHostStats();
    const lane = new TraceLane('a', 'n', trace, createVirtualClock());
    const release = Promise.resolve();
    expect(
      resolveFault({ action: 'drop', fault: 'cut', rule: 'r1' }, lane, 'm1', 'send', s),
    ).toEqual({ kind: 'drop', fault: 'cut' });
    expect(
      resolveFault({ action: 'delay', fault: 'slow', ms: 40, release }, lane, 'm2', 'recv', s),
    ).toEqual({ kind: 'delay', ms: 40, release });
    expect(
      resolveFault({ action: 'duplicate', fault: 'twice', copies: 2 }, lane, 'm3', 'recv', s),
    ).toEqual({ kind: 'deliver', copies: 2 });
    expect(s.dropped).toBe(1);
    const faults = trace.events as FaultTrace[];
    expect(faults.map((f) => [f.fault, f['msgId'], f['side']])).toEqual([
      ['cut', 'm1', 'send'],
      ['slow', 'm2', 'recv'],
      ['twice', 'm3', 'recv'],
    ]);
    expect(faults[0]!['rule']).toBe('r1');
    expect(faults[1]!['ms']).toBe(40);
    expect('release' in faults[1]!).toBe(false);
  });
});

describe('HeldDeliveries', () => {
  it('runs a delivery once, once per copy, after its delay on the clock, or never', () => {
    const clock = createVirtualClock();
    const held = new HeldDeliveries(clock);
    const ran: string[] = [];
    held.run({ kind: 'deliver', copies: 0 }, () => ran.push('now'));
    held.run({ kind: 'deliver', copies: 2 }, () => ran.push('copy'));
    held.run({ kind: 'drop', fault: 'x' }, () => ran.push('dropped'));
    held.run({ kind: 'delay', ms: 50, release: undefined }, () => ran.push('later'));
    expect(ran).toEqual(['now', 'copy', 'copy', 'copy']);
    expect(clock.nextDue()).toBe(clock.originMs + 50);
    clock.fireNext();
    expect(ran.at(-1)).toBe('later');
  });

  it('lets a held delivery go when its release settles, and everything on releaseAll', async () => {
    const clock = createVirtualClock();
    const held = new HeldDeliveries(clock);
    const ran: string[] = [];
    let heal!: () => void;
    held.later({ ms: 10_000, release: new Promise<void>((r) => (heal = r)) }, () => ran.push('a'));
    held.later({ ms: 20_000 }, () => ran.push('b'));
    heal();
    await Promise.resolve();
    await Promise.resolve();
    expect(ran).toEqual(['a']);
    held.releaseAll();
    expect(ran).toEqual(['a', 'b']);
    // Fired once only: neither the timers nor a second release run them again.
    while (clock.fireNext());
    held.releaseAll();
    expect(ran).toEqual(['a', 'b']);
  });
});
