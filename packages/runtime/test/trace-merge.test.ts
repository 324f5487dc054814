import { describe, expect, it } from 'vitest';
import {
  createTraceBuilder,
  createTraceIndex,
  mergeTraces,
  runRuntimeCheckers,
  type TraceEvent,
} from '@llm-teams/runtime';

/** A team over two hosts: the director's host n1 (coord) and a node n2 (a2). */
function twoHosts() {
  const t = createTraceBuilder();
  const assign = t.send('coord', 'a2', 'task.assign', { mode: 'at-least-once' });
  t.recv('a2', assign);
  t.state('a2', 'idle', 'working');
  const done = t.send('a2', 'coord', 'task.done', { mode: 'at-least-once' });
  t.recv('coord', done);
  const onNode = (node: string) => (e: TraceEvent) => ({ ...e, node });
  const director = t.events.filter((e) => e.actor === 'coord').map(onNode('n1'));
  const node = t.events.filter((e) => e.actor === 'a2').map(onNode('n2'));
  return { all: t.events, director, node };
}

describe('mergeTraces', () => {
  it('keeps every event once, whichever parts repeat it', () => {
    const { director, node } = twoHosts();
    const merged = mergeTraces([
      { host: 'h1', events: director },
      { host: 'h1', events: director },
      { host: 'h2', events: node },
      { events: node },
    ]);
    expect(merged).toHaveLength(director.length + node.length);
    expect(runRuntimeCheckers(merged).findings).toEqual([]);
  });

  it("keeps each lane in its recorded order, whatever the hosts' clocks say", () => {
    const { director, node } = twoHosts();
    // n2's clock runs 10 s behind, and one of its events carries an earlier wall than the
    // one before it (a clock stepped back): the lane keeps its own order.
    const skewed = node.map((e) => ({ ...e, wall: e.wall - 10_000 }));
    skewed[1] = { ...skewed[1]!, wall: skewed[0]!.wall - 5 };
    const merged = mergeTraces([
      { host: 'h1', events: director },
      { host: 'h2', events: skewed },
    ]);
    const a2 = merged.filter((e) => e.actor === 'a2').map((e) => e.seq);
    expect(a2).toEqual([...a2].sort((x, y) => x - y));
    expect(merged.slice(0, node.length).every((e) => e.node === 'n2')).toBe(true);
    expect(runRuntimeCheckers(merged).findings).toEqual([]);
  });

  it('gives a second process under the same node name a lane of its own', () => {
    // a2 ran on node "n2", was killed, and was restored from its checkpoint (seq 1, Lamport
    // 2) by another process that also calls itself "n2": both recorded seq 1 and Lamport 3.
    const t = createTraceBuilder({ node: 'n2' });
    t.mark('a2', 'x');
    t.mark('a2', 'checkpointed');
    t.mark('a2', 'after the checkpoint, then killed');
    const first = t.events.slice();
    const restored = [
      { ...first[1]!, seq: 2, lamport: 3, wall: first[2]!.wall + 1000 },
      { ...first[1]!, seq: 3, lamport: 4, wall: first[2]!.wall + 1001 },
    ] as TraceEvent[];
    const merged = mergeTraces([
      { host: 'p1', events: first },
      { host: 'p2', events: restored },
    ]);
    expect(merged).toHaveLength(5);
    expect(merged.filter((e) => e.node === 'n2#2')).toHaveLength(2);
    const index = createTraceIndex(merged);
    expect(index.actors).toEqual(['a2', 'a2@n2#2']);
    expect(runRuntimeCheckers(merged).findings).toEqual([]);
    // Without the host ids the two would be one lane whose clock goes backwards.
    const oneLane = mergeTraces([{ events: first }, { events: restored }]);
    expect(runRuntimeCheckers(oneLane).findings.map((f) => f.details['rule'])).toContain(
      'lamport-increasing',
    );
  });
});

describe('trace lanes', () => {
  it('are an actor on a node: a member restored on another node gets its own lane', () => {
    const t = createTraceBuilder();
    const assign = t.send('coord', 'a2', 'task.assign', { mode: 'at-least-once' });
    t.recv('a2', assign);
    t.mark('a2', 'actor.crashed');
    // Restored elsewhere from a checkpoint taken before the assignment: the same Lamport
    // times again, and the assignment redelivered and processed once more.
    const again = { ...assign, attempt: 1 };
    const restored = createTraceBuilder({ node: 'n2', wall0: t.events.at(-1)!.wall + 1 });
    restored.recv('a2', again, { redelivered: true });
    const events = [...t.events, ...restored.events.map((e) => ({ ...e, seq: e.seq }))];
    const index = createTraceIndex(events);
    expect(index.actors).toEqual(['coord', 'a2', 'a2@n2']);
    expect(index.laneActor).toEqual(['coord', 'a2', 'a2']);
    expect(index.ref(events.length - 1)).toEqual({ actor: 'a2@n2', seq: 0 });
    expect(index.actorNumber('a2')).toBe(2);
    expect(runRuntimeCheckers(events).findings).toEqual([]);
  });

  it('still find a message processed twice by two incarnations without a redelivery', () => {
    const t = createTraceBuilder();
    const m = t.send('coord', 'a2', 'task.assign', { mode: 'at-least-once' });
    t.recv('a2', m);
    const elsewhere = createTraceBuilder({ node: 'n2', wall0: t.events.at(-1)!.wall + 1 });
    elsewhere.recv('a2', m);
    const findings = runRuntimeCheckers([...t.events, ...elsewhere.events]).findings;
    expect(findings.map((f) => f.checker)).toEqual(['duplicate']);
  });
});
