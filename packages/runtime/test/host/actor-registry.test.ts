import { describe, expect, it } from 'vitest';
import type { Subscription } from '@llm-teams/broker';
import type { ActorCell } from '../../src/actor-cell.js';
import { ActorRegistry, RETIRED_CLOCKS_MAX } from '../../src/actor-registry.js';

/** The registry reads only an actor's id and inbox subject. */
const cell = (id: string) => ({ id, subject: `llmt.t.actor.${id}` }) as ActorCell;

const subscription = () => {
  const sub = { closed: false, unsubscribe: () => void (sub.closed = true) };
  return sub;
};

describe('ActorRegistry', () => {
  it('finds actors by id and by inbox subject, and forgets them with their topics', () => {
    const r = new ActorRegistry();
    const a = cell('a');
    const b = cell('b');
    r.add(a);
    r.add(b);
    r.join('news', a);
    r.join('news', b);
    r.join('other', a);
    expect(r.ids()).toEqual(['a', 'b']);
    expect(r.atInbox('llmt.t.actor.b')).toBe(b);
    expect(r.atInbox('llmt.t.actor.b.durable')).toBeUndefined();
    expect([...r.members('news')]).toEqual([a, b]);
    expect(r.remove('a')).toBe(a);
    expect(r.has('a')).toBe(false);
    expect(r.atInbox('llmt.t.actor.a')).toBeUndefined();
    expect([...r.members('news')]).toEqual([b]);
    expect([...r.members('other')]).toEqual([]);
    expect([...r.members('nobody')]).toEqual([]);
    expect(r.remove('a')).toBeUndefined();
  });

  it('leaves a topic, and unsubscribes an actor own inbox subscription when it goes', () => {
    const r = new ActorRegistry();
    const a = cell('a');
    r.add(a);
    r.join('news', a);
    r.leave('news', a);
    expect([...r.members('news')]).toEqual([]);
    const sub = subscription();
    r.setSubscription('a', sub as unknown as Subscription);
    r.remove('a');
    expect(sub.closed).toBe(true);
    const other = subscription();
    r.add(cell('c'));
    r.setSubscription('c', other as unknown as Subscription);
    r.clear();
    expect(other.closed).toBe(true);
    expect(r.size).toBe(0);
  });

  it('remembers the clocks of stopped actors, the latest per id, forgetting the oldest past its bound', () => {
    const r = new ActorRegistry();
    const stopped = (id: string, lamport: number) => ({
      id,
      clocks: () => ({ lamport, traceSeq: lamport + 1, chanSeq: { boss: lamport } }),
    });
    expect(r.retired('a')).toBeUndefined();
    r.retire(stopped('a', 5));
    r.retire(stopped('a', 9));
    expect(r.retired('a')).toEqual({ lamport: 9, traceSeq: 10, chanSeq: { boss: 9 } });
    for (let i = 0; i < RETIRED_CLOCKS_MAX; i++) r.retire(stopped(`w${i}`, i));
    expect(r.retired('a')).toBeUndefined();
    expect(r.retired('w0')).toEqual({ lamport: 0, traceSeq: 1, chanSeq: { boss: 0 } });
    // Retiring an id again makes it the newest: it outlives ids retired once before it.
    r.retire(stopped('w0', 1));
    r.retire(stopped('x', 1));
    expect(r.retired('w0')).toBeDefined();
    expect(r.retired('w1')).toBeUndefined();
  });
});
