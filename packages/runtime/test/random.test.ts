import { describe, expect, it } from 'vitest';
import { createRandom } from '@llm-teams/runtime';

describe('seeded randomness', () => {
  it('draws the same numbers for a seed in every version (saved schedules and recordings depend on them)', () => {
    const r = createRandom('1');
    expect(Array.from({ length: 5 }, () => r.next())).toEqual([
      0.3336927865166217, 0.1579667602200061, 0.10442749178037047, 0.6570767068769783,
      0.9526343874167651,
    ]);
    const f = r.fork('x');
    expect([f.int(1000), f.next()]).toEqual([376, 0.2954273612704128]);
  });

  it('gives a fork the same numbers whether or not its parent drew first, and whenever it is first drawn from', () => {
    const drawn = createRandom('seed');
    drawn.next();
    const late = drawn.fork('a');
    const early = createRandom('seed').fork('a');
    const other = createRandom('seed').fork('b');
    other.next();
    expect([late.next(), late.next()]).toEqual([early.next(), early.next()]);
    expect(other.seed).toBe('seed/b');
  });
});
