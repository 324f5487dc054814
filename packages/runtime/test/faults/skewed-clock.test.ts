import { describe, expect, it } from 'vitest';
import { createSkewedClock, createVirtualClock } from '@llm-teams/runtime';

describe('skewed clock (clock faults)', () => {
  it('a skew steps the clock at once; removing it steps it back', () => {
    const base = createVirtualClock({ startMs: 0 });
    const clock = createSkewedClock(base);
    clock.set('ahead', { offsetMs: 5000 });
    expect(clock.now()).toBe(5000);
    clock.set('behind', { offsetMs: -2000 });
    expect(clock.now()).toBe(3000);
    expect(clock.remove('ahead')).toBe(true);
    expect(clock.now()).toBe(-2000);
    expect(clock.remove('ahead')).toBe(false);
  });

  it('a drift accumulates with time and stretches timers; removing it returns to true time', () => {
    const base = createVirtualClock({ startMs: 0 });
    const clock = createSkewedClock(base);
    clock.set('fast', { rate: 1 });
    const fired: number[] = [];
    // 100 ms of a clock running twice as fast pass in 50 ms of the base clock.
    clock.setTimeout(() => fired.push(base.now()), 100);
    base.fireNext();
    expect(fired).toEqual([50]);
    expect(clock.now()).toBe(100);
    expect(clock.errorMs).toBe(50);
    clock.set('slow', { rate: -1.5 });
    expect(clock.rate).toBe(-0.5);
    expect(() => clock.set('stopped', { rate: -0.5 })).toThrow(/add up to more than -1/);
    clock.remove('fast');
    clock.remove('slow');
    expect(clock.now()).toBe(base.now());
  });
});
