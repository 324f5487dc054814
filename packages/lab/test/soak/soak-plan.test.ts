import { describe, expect, it } from 'vitest';
import type { TraceEvent } from '@llm-teams/runtime';
import {
  accountFaults,
  parseFaultPlan,
  planSoakRun,
  SOAK_FAULT_FAMILIES,
  teamRoster,
} from '@llm-teams/lab';

describe('soak plan', () => {
  it('one seed gives the same runs; another seed other runs', () => {
    const a = Array.from({ length: 20 }, (_, i) => planSoakRun({ seed: 's' }, i));
    const b = Array.from({ length: 20 }, (_, i) => planSoakRun({ seed: 's' }, i));
    const c = Array.from({ length: 20 }, (_, i) => planSoakRun({ seed: 't' }, i));
    expect(a).toEqual(b);
    expect(c).not.toEqual(a);
  });

  it('alternates the architectures and mixes at least two fault families per run, every family over a soak', () => {
    const runs = Array.from({ length: 40 }, (_, i) => planSoakRun({ seed: '7' }, i));
    expect(runs.map((r) => r.arch).slice(0, 4)).toEqual([
      'centralized',
      'decentralized',
      'centralized',
      'decentralized',
    ]);
    for (const r of runs) {
      expect(r.families.length).toBeGreaterThanOrEqual(2);
      expect(r.faults).toHaveLength(r.families.length);
      expect(r.agents).toBeGreaterThanOrEqual(2);
      expect(r.agents).toBeLessThanOrEqual(4);
    }
    expect(new Set(runs.flatMap((r) => r.families))).toEqual(new Set(SOAK_FAULT_FAMILIES));
    // The leader is among the targets of agent faults.
    const targets = runs.flatMap((r) => r.faults.map((f) => f['target']));
    expect(targets).toContain('coord1');
  });

  it('every run is a valid fault file for its team on a three-server cluster', () => {
    for (let i = 0; i < 40; i++) {
      const r = planSoakRun({ seed: 'valid' }, i);
      const plan = parseFaultPlan(
        { faults: r.faults },
        { roster: teamRoster(r), brokerNodes: ['n1', 'n2', 'n3'] },
      );
      expect(plan.faults.map((f) => f.id)).toEqual(r.families);
      const drop = r.faults.find((f) => f['kind'] === 'drop');
      if (drop) expect(drop['probability']).toBe(0.1);
      const dup = r.faults.find((f) => f['kind'] === 'duplicate');
      if (dup) expect(dup['probability']).toBe(0.05);
      for (const f of r.faults) {
        if (f['kind'] === 'partition' || f['kind'] === 'server.kill')
          expect(f['healAfterMs']).toBeGreaterThan(0);
      }
    }
  });
});

describe('faults injected against faults traced', () => {
  const fault = (extra: Record<string, unknown>): TraceEvent => ({
    kind: 'fault',
    actor: 'director',
    node: 'n',
    seq: 0,
    lamport: 0,
    wall: 0,
    fault: 'x',
    ...extra,
  });

  it('counts a start per fired fault, an end per healed one and an event per message hit', () => {
    const events = [
      fault({ faultId: 'drop', phase: 'on' }),
      fault({ faultId: 'drop', msgId: 'm1', side: 'send' }),
      fault({ faultId: 'drop', msgId: 'm2', side: 'send' }),
      fault({ faultId: 'part', phase: 'start' }),
      fault({ faultId: 'part', phase: 'end' }),
      fault({ faultId: 'agent', phase: 'skipped' }),
    ];
    const account = accountFaults(
      events,
      [
        { id: 'drop', kind: 'drop', state: 'active' },
        { id: 'part', kind: 'partition', state: 'healed' },
        { id: 'agent', kind: 'kill', state: 'done' },
        { id: 'late', kind: 'server.kill', state: 'armed' },
      ],
      new Map([['drop', 2]]),
    );
    expect(account).toEqual({ injected: 6, traced: 6, missing: [] });
  });

  it('names what the trace misses: a start, an end, message hits', () => {
    const account = accountFaults(
      [fault({ faultId: 'part', phase: 'start' }), fault({ faultId: 'dup', msgId: 'm1' })],
      [
        { id: 'part', kind: 'partition', state: 'healed' },
        { id: 'kill', kind: 'kill', state: 'done' },
      ],
      new Map([['dup', 3]]),
    );
    expect(account.injected).toBe(6);
    expect(account.traced).toBe(2);
    expect(account.missing).toEqual([
      'part (partition) healed, but no fault event marks its end',
      'kill (kill) fired, but no fault event marks its start',
      'dup: 3 messages hit, 1 traced',
    ]);
  });
});
