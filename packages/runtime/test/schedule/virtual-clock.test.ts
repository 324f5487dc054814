import { describe, expect, it } from 'vitest';
import { createVirtualClock } from '@llm-teams/runtime';

describe('virtual clock', () => {
  it('does not move on its own; fireNext fires the earliest timer and moves now to it', () => {
    const clock = createVirtualClock({ startMs: 1000 });
    const fired: string[] = [];
    clock.setTimeout(() => fired.push('b'), 50);
    clock.setTimeout(() => fired.push('a'), 10);
    expect(clock.now()).toBe(1000);
    expect(clock.pending).toBe(2);
    expect(clock.nextDue()).toBe(1010);
    expect(clock.fireNext()).toBe(true);
    expect(fired).toEqual(['a']);
    expect(clock.now()).toBe(1010);
    expect(clock.fireNext()).toBe(true);
    expect(clock.now()).toBe(1050);
    expect(clock.fireNext()).toBe(false);
    expect(fired).toEqual(['a', 'b']);
  });

  it('fires timers due at one instant in the order they were set', () => {
    const clock = createVirtualClock();
    const fired: number[] = [];
    for (let i = 0; i < 20; i++) clock.setTimeout(() => fired.push(i), 5);
    while (clock.fireNext());
    expect(fired).toEqual(Array.from({ length: 20 }, (_, i) => i));
  });

  it('a cleared timer never fires; a timer set from a timer is due relative to its now', () => {
    const clock = createVirtualClock({ startMs: 0 });
    const fired: string[] = [];
    const h = clock.setTimeout(() => fired.push('cleared'), 5);
    clock.setTimeout(() => {
      fired.push('first');
      clock.setTimeout(() => fired.push(`second@${clock.now()}`), 7);
    }, 10);
    clock.clearTimeout(h);
    expect(clock.nextDue()).toBe(10);
    while (clock.fireNext());
    expect(fired).toEqual(['first', 'second@17']);
  });

  it('zero, negative and non-finite delays are due now', () => {
    const clock = createVirtualClock({ startMs: 100 });
    clock.setTimeout(() => undefined, -5);
    clock.setTimeout(() => undefined, Number.NaN);
    expect(clock.nextDue()).toBe(100);
  });

  it('jumpTo moves now without firing; overdue timers fire later at the new now', () => {
    const clock = createVirtualClock({ startMs: 0 });
    let firedAt = -1;
    clock.setTimeout(() => (firedAt = clock.now()), 10);
    clock.jumpTo(500);
    expect(firedAt).toBe(-1);
    expect(clock.now()).toBe(500);
    clock.jumpTo(100); // never backwards
    expect(clock.now()).toBe(500);
    clock.fireNext();
    expect(firedAt).toBe(500);
  });

  it('stays correct through heavy set/clear churn (lazy deletion, compaction)', () => {
    const clock = createVirtualClock({ startMs: 0 });
    const fired: number[] = [];
    const keep: number[] = [];
    for (let i = 0; i < 2000; i++) {
      const h = clock.setTimeout(() => fired.push(i), (i * 7919) % 1000);
      if (i % 10 === 0) keep.push(i);
      else clock.clearTimeout(h);
    }
    expect(clock.pending).toBe(keep.length);
    let last = -1;
    while (clock.fireNext()) {
      expect(clock.now()).toBeGreaterThanOrEqual(last);
      last = clock.now();
    }
    expect([...fired].sort((a, b) => a - b)).toEqual(keep);
  });

  it('close forgets every timer', () => {
    const clock = createVirtualClock();
    clock.setTimeout(() => undefined, 1);
    clock.close();
    expect(clock.pending).toBe(0);
    expect(clock.fireNext()).toBe(false);
  });
});
