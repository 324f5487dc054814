import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  createTraceBuilder,
  createTraceIndex,
  deriveVectorClocks,
  runRuntimeCheckers,
  type BuiltMessage,
  type TraceEvent,
} from '@llm-teams/runtime';

type Op = { kind: 'local' | 'send' | 'recv'; actor: number; other: number; pick: number };

const ops = fc.array(
  fc.record({
    kind: fc.constantFrom<Op['kind']>('local', 'send', 'send', 'recv', 'recv'),
    actor: fc.nat(3),
    other: fc.nat(3),
    pick: fc.nat(),
  }),
  { maxLength: 60 },
);

/** A random but well-formed run: messages are received (some twice) only after being sent. */
function randomTrace(plan: Op[]): TraceEvent[] {
  const t = createTraceBuilder();
  const inFlight: BuiltMessage[] = [];
  const actor = (k: number) => `p${k}`;
  for (const op of plan) {
    if (op.kind === 'local') t.state(actor(op.actor), 's', 's');
    else if (op.kind === 'send') inFlight.push(t.send(actor(op.actor), actor(op.other), 'm'));
    else if (inFlight.length > 0) {
      const m = inFlight[op.pick % inFlight.length]!;
      t.recv(m.to, m);
    }
  }
  return t.events;
}

/** Reachability by depth-first search over program order and send -> receive edges. */
function reachability(events: TraceEvent[]): boolean[][] {
  const n = events.length;
  const next: number[][] = events.map(() => []);
  const last = new Map<string, number>();
  const sends = new Map<string, number>();
  events.forEach((e, i) => {
    const prev = last.get(e.actor);
    if (prev !== undefined) next[prev]!.push(i);
    last.set(e.actor, i);
    if (e.kind === 'send') sends.set(e.msgId, i);
    if (e.kind === 'recv') next[sends.get(e.msgId)!]!.push(i);
  });
  return events.map((_, from) => {
    const seen = new Array<boolean>(n).fill(false);
    const stack = [...next[from]!];
    while (stack.length > 0) {
      const k = stack.pop()!;
      if (seen[k]) continue;
      seen[k] = true;
      stack.push(...next[k]!);
    }
    return seen;
  });
}

describe('vector clocks', () => {
  it('give exactly the happens-before of brute-force reachability', () => {
    fc.assert(
      fc.property(ops, (plan) => {
        const events = randomTrace(plan);
        const index = createTraceIndex(events);
        const vc = deriveVectorClocks(index);
        const reach = reachability(events);
        for (let a = 0; a < events.length; a++) {
          for (let b = 0; b < events.length; b++) {
            expect(vc.happensBefore(a, b)).toBe(reach[a]![b]!);
            expect(vc.concurrent(a, b)).toBe(a !== b && !reach[a]![b]! && !reach[b]![a]!);
            // The clock condition, which the Lamport rules guarantee.
            if (reach[a]![b]) expect(events[a]!.lamport).toBeLessThan(events[b]!.lamport);
          }
        }
      }),
      { numRuns: 200 },
    );
  });

  it('give a causal chain made of program order and message hops', () => {
    fc.assert(
      fc.property(ops, (plan) => {
        const events = randomTrace(plan);
        const index = createTraceIndex(events);
        const vc = deriveVectorClocks(index);
        for (let a = 0; a < events.length; a++) {
          for (let b = 0; b < events.length; b++) {
            const chain = vc.causalChain(a, b);
            if (!vc.happensBefore(a, b)) {
              expect(chain).toBeUndefined();
              continue;
            }
            expect(chain![0]).toBe(a);
            expect(chain!.at(-1)).toBe(b);
            for (let k = 1; k < chain!.length; k++) {
              const [x, y] = [chain![k - 1]!, chain![k]!];
              const sameActor = index.actorOf[x] === index.actorOf[y];
              expect(
                sameActor ? index.position[x]! < index.position[y]! : index.sendOf[y] === x,
              ).toBe(true);
            }
          }
        }
      }),
      { numRuns: 100 },
    );
  });

  it('follow extra edges, and a random run passes every runtime checker', () => {
    const t = createTraceBuilder();
    const w = t.tool('a', 'write_file', { path: 'f', rev: 1 });
    const r = t.tool('b', 'read_file', { path: 'f', rev: 1 });
    const index = createTraceIndex(t.events);
    const [wi, ri] = [w, r].map((e) => index.find(e)!);
    expect(deriveVectorClocks(index).happensBefore(wi!, ri!)).toBe(false);
    const linked = deriveVectorClocks(index, { extraEdges: [[wi!, ri!]] });
    expect(linked.happensBefore(wi!, ri!)).toBe(true);
    expect(linked.causalChain(wi!, ri!)).toEqual([wi, ri]);
    fc.assert(
      fc.property(ops, (plan) => {
        const events = randomTrace(plan);
        // Random receive order breaks FIFO, so only the other checkers must stay silent.
        const findings = runRuntimeCheckers(events).findings.filter((f) => f.checker !== 'fifo');
        expect(findings.filter((f) => f.checker !== 'delivery')).toEqual([]);
      }),
      { numRuns: 100 },
    );
  });

  it('cut a cycle that only a corrupt trace can hold, and say so', () => {
    const t = createTraceBuilder();
    const m1 = t.send('a', 'b', 'x');
    const m2 = t.send('b', 'a', 'y');
    t.recv('b', m1);
    t.recv('a', m2);
    // Move each receive before the other's send: a waits on b, b on a.
    const [s1, s2, r1, r2] = t.events;
    const events = [
      { ...r2!, seq: 0, lamport: 10 },
      { ...s1!, seq: 1, lamport: 11 },
      { ...r1!, seq: 0, lamport: 10 },
      { ...s2!, seq: 1, lamport: 11 },
    ] as TraceEvent[];
    const result = runRuntimeCheckers(events);
    expect(result.clocks.brokenEdges).toHaveLength(1);
    expect(result.findings.some((f) => f.checker === 'causality')).toBe(true);
  });
});
