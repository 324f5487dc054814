import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  compileSupervisionPolicy,
  compareLamport,
  createDeliveryPolicy,
  createIdGenerator,
  createRandom,
  decideRestart,
  DedupWindow,
  LamportClock,
} from '@llm-teams/runtime';
import { policyUsesDurable } from '../src/delivery-policy.js';

describe('LamportClock', () => {
  it('ticks on local events and takes max + 1 on receive', () => {
    const c = new LamportClock();
    expect(c.tick()).toBe(1);
    expect(c.merge(10)).toBe(11);
    expect(c.merge(3)).toBe(12);
    expect(c.tick()).toBe(13);
  });

  it('orders events totally, ties broken by actor id', () => {
    const events = [
      { lamport: 2, actor: 'b' },
      { lamport: 1, actor: 'z' },
      { lamport: 2, actor: 'a' },
    ];
    expect([...events].sort(compareLamport)).toEqual([
      { lamport: 1, actor: 'z' },
      { lamport: 2, actor: 'a' },
      { lamport: 2, actor: 'b' },
    ]);
  });

  it('compares stamps by time, then by actor id; a stamp equals itself', () => {
    const c = new LamportClock(5);
    expect(c.time).toBe(5);
    expect(c.tick()).toBe(6);
    expect(c.time).toBe(6);
    expect(compareLamport({ lamport: 1, actor: 'z' }, { lamport: 2, actor: 'a' })).toBeLessThan(0);
    expect(compareLamport({ lamport: 2, actor: 'a' }, { lamport: 1, actor: 'z' })).toBeGreaterThan(
      0,
    );
    expect(compareLamport({ lamport: 2, actor: 'a' }, { lamport: 2, actor: 'b' })).toBe(-1);
    expect(compareLamport({ lamport: 2, actor: 'b' }, { lamport: 2, actor: 'a' })).toBe(1);
    expect(compareLamport({ lamport: 2, actor: 'a' }, { lamport: 2, actor: 'a' })).toBe(0);
  });

  it('a receive is always later than the send it follows (property)', () => {
    fc.assert(
      fc.property(fc.array(fc.oneof(fc.constant(-1), fc.nat(1000))), (ops) => {
        const c = new LamportClock();
        let last = 0;
        for (const op of ops) {
          const t = op < 0 ? c.tick() : c.merge(op);
          expect(t).toBeGreaterThan(last);
          if (op >= 0) expect(t).toBeGreaterThan(op);
          last = t;
        }
      }),
    );
  });
});

describe('seeded randomness and ids', () => {
  it('the same seed gives the same numbers; forks are independent of draw order', () => {
    const a = createRandom(42);
    const b = createRandom('42');
    expect([a.next(), a.next(), a.int(100)]).toEqual([b.next(), b.next(), b.int(100)]);
    const f1 = createRandom(1).fork('x');
    const parent = createRandom(1);
    parent.next();
    expect(parent.fork('x').next()).toBe(f1.next());
    expect(createRandom(1).next()).not.toBe(createRandom(2).next());
  });

  it('ids are unique, and reproducible from a seed', () => {
    const g1 = createIdGenerator({ random: createRandom(7) });
    const g2 = createIdGenerator({ random: createRandom(7) });
    const ids = Array.from({ length: 1000 }, g1);
    expect(new Set(ids).size).toBe(1000);
    expect(Array.from({ length: 1000 }, g2)).toEqual(ids);
    expect(createIdGenerator()()).not.toBe(createIdGenerator()());
  });
});

describe('DedupWindow', () => {
  it('remembers ids up to capacity, evicting the oldest, and caches replies', () => {
    const w = new DedupWindow<string>(3);
    for (const id of ['a', 'b', 'c']) w.add(id);
    w.setReply('b', 'reply-b');
    w.add('d');
    expect(w.has('a')).toBe(false);
    expect(w.has('b')).toBe(true);
    expect(w.reply('b')).toBe('reply-b');
    expect(w.reply('c')).toBeUndefined();
    w.delete('c');
    expect(w.ids()).toEqual(['b', 'd']);
  });

  it('addIfNew says whether an id was new, and a refused id does not evict', () => {
    const w = new DedupWindow(2);
    expect(w.addIfNew('a')).toBe(true);
    expect(w.addIfNew('b')).toBe(true);
    expect(w.addIfNew('a')).toBe(false);
    expect(w.ids()).toEqual(['a', 'b']);
    expect(w.addIfNew('c')).toBe(true);
    expect(w.ids()).toEqual(['b', 'c']);
    expect(w.has('a')).toBe(false);
  });

  it('an id forgotten mid-window and added again is not evicted by its old slot', () => {
    const w = new DedupWindow(3);
    for (const id of ['a', 'b', 'c']) w.add(id);
    expect(w.size).toBe(3);
    w.delete('b');
    expect(w.size).toBe(2);
    w.add('b'); // evicts a, the oldest
    w.add('d'); // takes the slot b had before it was forgotten
    expect(w.has('b')).toBe(true);
    expect(w.ids()).toEqual(['c', 'b', 'd']);
    expect(w.size).toBe(3);
    expect(new DedupWindow(0).capacity).toBe(1);
  });

  it('keeps replies only for ids in the window, and has none before the first', () => {
    const w = new DedupWindow<string>(2);
    expect(w.reply('a')).toBeUndefined();
    w.setReply('a', 'too early');
    expect(w.reply('a')).toBeUndefined();
    w.add('a');
    w.setReply('a', 'ra');
    expect(w.reply('a')).toBe('ra');
  });
});

describe('delivery policy', () => {
  it('matches exact types, then the longest prefix, then the default', () => {
    const p = createDeliveryPolicy({
      types: {
        'task.*': 'at-least-once',
        'task.progress': 'at-most-once',
        'task.assign.*': 'at-most-once',
      },
    });
    expect(p('task.done')).toBe('at-least-once');
    expect(p('task.progress')).toBe('at-most-once');
    expect(p('task.assign.backup')).toBe('at-most-once');
    expect(p('chat.msg')).toBe('at-most-once');
    expect(() => createDeliveryPolicy({ types: { x: 'exactly-once' as never } })).toThrow(
      /must be one of/,
    );
    // An exact type is not a prefix: a longer type is the prefix's, not the exact type's.
    expect(p('task.progressive')).toBe('at-least-once');
    expect(p('task.assign')).toBe('at-least-once');
    // Asked again (now from its cache), each type gets the same answer.
    for (const t of ['task.done', 'task.progress', 'chat.msg']) expect(p(t)).toBe(p(t));
  });

  it('names the bad mode and where it was given', () => {
    const bad = () => createDeliveryPolicy({ default: 'sometimes' as never });
    expect(bad).toThrow(
      expect.objectContaining({
        code: 'INVALID_ARGUMENT',
        message:
          'delivery mode for default must be one of at-most-once, at-least-once, got "sometimes"',
      }),
    );
  });

  it('says whether any type may go at-least-once (actors then need a durable inbox)', () => {
    expect(policyUsesDurable({})).toBe(false);
    expect(policyUsesDurable({ default: 'at-most-once', types: { a: 'at-most-once' } })).toBe(
      false,
    );
    expect(policyUsesDurable({ default: 'at-least-once' })).toBe(true);
    expect(policyUsesDurable({ types: { 'task.*': 'at-least-once' } })).toBe(true);
  });
});

describe('supervision', () => {
  it('restarts with growing backoff until maxRestarts within the window', () => {
    const crashes: number[] = [];
    const r = createRandom(1);
    const policy = compileSupervisionPolicy({
      maxRestarts: 2,
      windowMs: 1000,
      backoff: { jitter: 0 },
    });
    expect(decideRestart(crashes, 0, policy, r)).toEqual({ restart: true, delayMs: 100 });
    expect(decideRestart(crashes, 10, policy, r)).toEqual({ restart: true, delayMs: 200 });
    expect(decideRestart(crashes, 20, policy, r)).toEqual({ restart: false });
    // Outside the window the history is forgotten.
    expect(decideRestart(crashes, 5000, policy, r)).toEqual({ restart: true, delayMs: 100 });
  });
});
