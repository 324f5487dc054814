import { describe, expect, it } from 'vitest';
import { delay, type Clock } from '@llm-teams/runtime';

/** A clock whose timers fire only when the test says. */
function manualClock() {
  const timers = new Map<number, () => void>();
  let next = 0;
  const clock: Clock = {
    now: () => 0,
    setTimeout: (fn) => {
      timers.set(++next, fn);
      return next;
    },
    clearTimeout: (h) => void timers.delete(h as number),
  };
  const fireAll = () => {
    for (const [h, fn] of [...timers]) {
      timers.delete(h);
      fn();
    }
  };
  return { clock, timers, fireAll };
}

describe('delay', () => {
  it('waits for its timer on the clock', async () => {
    const { clock, timers, fireAll } = manualClock();
    let done = false;
    const waiting = delay(clock, 1000).then(() => (done = true));
    await Promise.resolve();
    expect(done).toBe(false);
    expect(timers.size).toBe(1);
    fireAll();
    await waiting;
    expect(done).toBe(true);
  });

  it('ends at once when its signal is aborted, and clears its timer', async () => {
    const { clock, timers } = manualClock();
    const stop = new AbortController();
    const waiting = delay(clock, 1000, stop.signal);
    expect(timers.size).toBe(1);
    stop.abort();
    await waiting;
    expect(timers.size).toBe(0);
    // Already aborted: no timer is set at all.
    await delay(clock, 1000, stop.signal);
    expect(timers.size).toBe(0);
  });
});
