import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { outageOf, runRuntimeCheckers, type TraceEvent } from '@llm-teams/runtime';
import { startHostFixture, type HostFixture } from '@llm-teams/testkit';
import { faults, recvs, startFaultTeam, type FaultTeam } from './fault-harness.js';

const ACTORS = ['a', 'b', 'c', 'd', 'e'];

/** Every actor sends one `probe` to every other; resolves once `expected` of them arrived. */
async function probeAll(t: FaultTeam, round: number, expected: number): Promise<Set<string>> {
  for (const from of ACTORS)
    for (const to of ACTORS) if (from !== to) t.actors[from]!.runtime.tell(to, `probe${round}`);
  // Every probe is accounted for: received, or dropped by the partition at its sender.
  const probes = () => t.events.filter((e) => e.kind === 'recv' && e.type === `probe${round}`);
  const drops = () =>
    faults(t.events, 'partition').filter(
      (f) =>
        f['side'] === 'send' &&
        t.events.some(
          (e) => e.kind === 'send' && e.msgId === f['msgId'] && e.type === `probe${round}`,
        ),
    );
  await t.when(() => probes().length + drops().length === ACTORS.length * (ACTORS.length - 1));
  expect(probes()).toHaveLength(expected);
  return new Set(probes().map((e) => `${(e as { from: string }).from}>${e.actor}`));
}

/** The pairs (from>to) among ACTORS that `groups` cut, in the cut directions. */
function cutPairs(groups: string[][], oneWay = false): Set<string> {
  const out = new Set<string>();
  groups.forEach((g, i) =>
    groups.forEach((h, j) => {
      if (i === j || (oneWay && i !== 0)) return;
      for (const a of g) for (const b of h) out.add(`${a}>${b}`);
    }),
  );
  return out;
}

const allPairs = ACTORS.flatMap((a) => ACTORS.filter((b) => b !== a).map((b) => `${a}>${b}`));

describe('partitions', () => {
  let fx: HostFixture;
  beforeEach(async () => {
    fx = await startHostFixture({ provision: false });
  });
  afterEach(() => fx.close());

  async function partitioned(team: string, spec: Record<string, unknown>) {
    const t = await startFaultTeam(fx, { team, ids: ACTORS, injector: { seed: 5 } });
    const id = t.injector.add({ kind: 'partition', ...spec });
    const [start] = faults(t.events, 'partition').filter((f) => f['phase'] === 'start');
    return { t, id, start: start! };
  }

  it('halves: no traffic between the halves until the partition heals', async () => {
    const { t, id, start } = await partitioned('phalves', { shape: 'halves', actors: ACTORS });
    const groups = start['groups'] as string[][];
    expect(groups.map((g) => g.length)).toEqual([2, 3]);
    expect(groups.flat().sort()).toEqual(ACTORS);
    const cut = cutPairs(groups);
    const during = await probeAll(t, 1, allPairs.length - cut.size);
    for (const pair of allPairs) expect(during.has(pair), pair).toBe(!cut.has(pair));
    t.injector.clear(id);
    await probeAll(t, 2, allPairs.length);
    const heal = faults(t.events, 'partition.heal')[0]!;
    expect(outageOf(start as TraceEvent)).toBe('start');
    expect(outageOf(heal as TraceEvent)).toBe('end');
    expect(heal['actors']).toEqual(start['actors']);
    // Losses inside the partition are explained by it: no delivery errors.
    const errors = runRuntimeCheckers(t.events).findings.filter((f) => f.severity === 'error');
    expect(errors).toEqual([]);
  });

  it('one-way: messages from the first component are lost, replies still flow', async () => {
    const { t, start } = await partitioned('poneway', {
      shape: 'groups',
      groups: [
        ['a', 'b'],
        ['c', 'd', 'e'],
      ],
      oneWay: true,
    });
    const cut = cutPairs(start['groups'] as string[][], true);
    expect(cut.size).toBe(6);
    const during = await probeAll(t, 1, allPairs.length - 6);
    expect(during.has('a>c')).toBe(false);
    expect(during.has('c>a')).toBe(true);
  });

  it('isolate one: the target hears no one and no one hears it; heals after a duration', async () => {
    const { t, start } = await partitioned('pisolate', {
      shape: 'isolate',
      actors: ACTORS,
      target: 'c',
      healAfterMs: 400,
    });
    expect(start['groups']).toEqual([['c'], ['a', 'b', 'd', 'e']]);
    const during = await probeAll(t, 1, allPairs.length - 8);
    expect([...during].some((p) => p.includes('c'))).toBe(false);
    await t.when((ev) => faults(ev, 'partition.heal').length === 1);
    expect(faults(t.events, 'partition.heal')[0]!['reason']).toBe('healed');
    await probeAll(t, 2, allPairs.length);
  });

  it('bridge: two halves cut, one actor in the middle still talks to both', async () => {
    const { t, start } = await partitioned('pbridge', {
      shape: 'bridge',
      actors: ACTORS,
      target: 'e',
    });
    const groups = start['groups'] as string[][];
    expect(start['bridge']).toBe('e');
    expect(groups.flat().sort()).toEqual(['a', 'b', 'c', 'd']);
    const during = await probeAll(t, 1, allPairs.length - 8);
    for (const x of ['a', 'b', 'c', 'd']) {
      expect(during.has(`e>${x}`)).toBe(true);
      expect(during.has(`${x}>e`)).toBe(true);
    }
    expect(during.has(`${groups[0]![0]}>${groups[1]![0]}`)).toBe(false);
  });

  it('an at-least-once message across a partition waits and arrives when it heals', async () => {
    const t = await startFaultTeam(fx, {
      team: 'palo',
      ids: ['a', 'b', 'c'],
      delivery: { types: { job: 'at-least-once' } },
    });
    const id = t.injector.add({
      kind: 'partition',
      shape: 'isolate',
      actors: ['a', 'b', 'c'],
      target: 'b',
    });
    t.actors['a']!.runtime.tell('b', 'job');
    t.actors['a']!.runtime.tell('c', 'job');
    await t.when((ev) => recvs(ev, 'c', 'job').length === 1);
    await t.host.flush();
    expect(recvs(t.events, 'b', 'job')).toHaveLength(0);
    t.injector.clear(id);
    await t.when((ev) => recvs(ev, 'b', 'job').length === 1);
    const held = faults(t.events, 'partition').find((f) => f['side'] === 'send')!;
    expect(held).toMatchObject({ actor: 'a', held: true });
    expect(runRuntimeCheckers(t.events).findings).toEqual([]);
  });
});
