import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  compileRetryPolicy,
  createRandom,
  DEFAULT_RETRY_POLICY,
  nextRetryDelay,
  RuntimeError,
  withRetry,
  type Clock,
  type RetryPolicy,
} from '@llm-teams/runtime';

/** A clock whose time moves only when a timer fires: each wait advances it by its length. */
function steppingClock(startMs = 0): Clock & { waits: number[] } {
  let now = startMs;
  const waits: number[] = [];
  return {
    waits,
    now: () => now,
    setTimeout: (fn, ms) => {
      waits.push(ms);
      now += ms;
      queueMicrotask(fn);
      return undefined;
    },
    clearTimeout: () => undefined,
  };
}

describe('compileRetryPolicy', () => {
  it('resolves the policy over the component defaults over the documented defaults', () => {
    expect(compileRetryPolicy()).toEqual(DEFAULT_RETRY_POLICY);
    expect(DEFAULT_RETRY_POLICY).toEqual({
      maxAttempts: 5,
      initialDelayMs: 100,
      maxDelayMs: 2000,
      multiplier: 2,
      jitter: 0.2,
      budgetMs: Infinity,
    });
    const p = compileRetryPolicy({ maxAttempts: 2 }, { maxAttempts: 9, initialDelayMs: 7 });
    expect(p).toMatchObject({ maxAttempts: 2, initialDelayMs: 7, maxDelayMs: 2000 });
    expect(Object.isFrozen(p)).toBe(true);
  });

  const bad: [RetryPolicy, string][] = [
    [{ maxAttempts: 0 }, 'ask.retry.maxAttempts'],
    [{ maxAttempts: 1.5 }, 'ask.retry.maxAttempts'],
    [{ initialDelayMs: -1 }, 'ask.retry.initialDelayMs'],
    [{ maxDelayMs: Infinity }, 'ask.retry.maxDelayMs'],
    [{ multiplier: 0.5 }, 'ask.retry.multiplier'],
    [{ jitter: 1.5 }, 'ask.retry.jitter'],
    [{ budgetMs: -5 }, 'ask.retry.budgetMs'],
    [{ initialDelayMs: Number.NaN }, 'ask.retry.initialDelayMs'],
    [{ maxAttempts: '3' as unknown as number }, 'ask.retry.maxAttempts'],
    [{ initialDelayMs: 500, maxDelayMs: 100 }, 'ask.retry.maxDelayMs'],
    [{ attempts: 3 } as unknown as RetryPolicy, 'ask.retry.attempts'],
    [null as unknown as RetryPolicy, 'ask.retry must be an object'],
  ];
  for (const [policy, field] of bad) {
    it(`refuses ${JSON.stringify(policy)}, naming ${field}`, () => {
      let error: unknown;
      try {
        compileRetryPolicy(policy, {}, 'ask.retry');
      } catch (e) {
        error = e;
      }
      expect(error).toBeInstanceOf(RuntimeError);
      expect((error as RuntimeError).code).toBe('INVALID_ARGUMENT');
      expect((error as RuntimeError).message).toContain(field);
    });
  }
});

describe('compileRetryPolicy messages and edges', () => {
  const message = (policy: unknown, name?: string) => {
    try {
      compileRetryPolicy(policy as RetryPolicy, {}, name);
    } catch (e) {
      return (e as Error).message;
    }
    return 'accepted';
  };

  it('says what is wrong with a field, with what it got, under the name given (default retry)', () => {
    expect(message({ initialDelayMs: 'x' })).toBe('retry.initialDelayMs must be a number, got x');
    expect(message({ initialDelayMs: Number.NaN })).toBe(
      'retry.initialDelayMs must be a number, got NaN',
    );
    expect(message({ jitter: -0.1 }, 'p')).toBe('p.jitter must be between 0 and 1, got -0.1');
    expect(message({ jitter: 2 }, 'p')).toMatch(/^p\.jitter must be between 0 and 1/);
    expect(message(null)).toBe('retry must be an object');
    expect(message(5, 'p')).toBe('p must be an object');
    expect(message({ tries: 1 }, 'p')).toBe(
      'p.tries is not a retry policy field (maxAttempts, initialDelayMs, maxDelayMs, multiplier, jitter, budgetMs)',
    );
  });

  it('accepts each bound itself: one attempt, a multiplier of 1, jitter 0 and 1, no delay, a cap equal to the first delay', () => {
    for (const ok of [
      { maxAttempts: 1 },
      { multiplier: 1 },
      { jitter: 0 },
      { jitter: 1 },
      { initialDelayMs: 0 },
      { budgetMs: 0 },
      { initialDelayMs: 300, maxDelayMs: 300 },
    ]) {
      expect(message(ok), JSON.stringify(ok)).toBe('accepted');
    }
  });
});

describe('nextRetryDelay', () => {
  it('scales the base by a factor drawn in [1 - jitter, 1 + jitter]', () => {
    const p = compileRetryPolicy({ initialDelayMs: 1000, maxDelayMs: 10_000, jitter: 0.5 });
    const drawing = (r: number) =>
      ({ next: () => r }) as unknown as ReturnType<typeof createRandom>;
    expect(nextRetryDelay(p, 1, 0, drawing(0.75))).toBe(1250);
    expect(nextRetryDelay(p, 1, 0, drawing(0))).toBe(500);
    expect(nextRetryDelay(p, 2, 0, drawing(0.5))).toBe(2000);
  });

  it('takes a requested wait that ends exactly at the budget', () => {
    const p = compileRetryPolicy({ budgetMs: 1000 });
    expect(nextRetryDelay(p, 1, 400, createRandom(1), 600)).toBe(600);
    expect(nextRetryDelay(p, 1, 401, createRandom(1), 600)).toBeUndefined();
  });

  it('grows by the multiplier from the initial delay up to the cap, without jitter exactly', () => {
    const p = compileRetryPolicy({
      maxAttempts: Infinity,
      initialDelayMs: 100,
      maxDelayMs: 1000,
      multiplier: 3,
      jitter: 0,
    });
    const r = createRandom(1);
    const delays = [1, 2, 3, 4, 5].map((a) => nextRetryDelay(p, a, 0, r));
    expect(delays).toEqual([100, 300, 900, 1000, 1000]);
  });

  it('stays within +-jitter of the base and never exceeds the cap', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 1, max: 30 }),
        fc.double({ min: 0, max: 1, noNaN: true }),
        fc.integer(),
        (attempt, jitter, seed) => {
          const p = compileRetryPolicy({
            maxAttempts: Infinity,
            initialDelayMs: 100,
            maxDelayMs: 3000,
            jitter,
          });
          const d = nextRetryDelay(p, attempt, 0, createRandom(seed))!;
          const base = Math.min(3000, 100 * 2 ** (attempt - 1));
          expect(d).toBeGreaterThanOrEqual(Math.floor(base * (1 - jitter)));
          expect(d).toBeLessThanOrEqual(Math.min(3000, Math.ceil(base * (1 + jitter))));
        },
      ),
    );
  });

  it('is reproducible from the seed of the injected Random', () => {
    const p = compileRetryPolicy({ maxAttempts: Infinity });
    const draw = (seed: number) => {
      const r = createRandom(seed);
      return [1, 2, 3, 4].map((a) => nextRetryDelay(p, a, 0, r));
    };
    expect(draw(4)).toEqual(draw(4));
    expect(draw(4)).not.toEqual(draw(5));
  });

  it('stops after maxAttempts attempts', () => {
    const p = compileRetryPolicy({ maxAttempts: 3 });
    const r = createRandom(1);
    expect(nextRetryDelay(p, 1, 0, r)).toBeTypeOf('number');
    expect(nextRetryDelay(p, 2, 0, r)).toBeTypeOf('number');
    expect(nextRetryDelay(p, 3, 0, r)).toBeUndefined();
  });

  it('stops when the wait would end past the budget', () => {
    const p = compileRetryPolicy({ maxAttempts: Infinity, jitter: 0, budgetMs: 1000 });
    const r = createRandom(1);
    expect(nextRetryDelay(p, 1, 900, r)).toBe(100);
    expect(nextRetryDelay(p, 1, 901, r)).toBeUndefined();
    expect(nextRetryDelay(compileRetryPolicy({ budgetMs: 0 }), 1, 0, r)).toBeUndefined();
  });

  it('takes a wait the other side asked for instead of its own, within attempts and budget', () => {
    const p = compileRetryPolicy({ maxAttempts: 3, budgetMs: 10_000 });
    const r = createRandom(1);
    expect(nextRetryDelay(p, 1, 0, r, 7000)).toBe(7000);
    expect(nextRetryDelay(p, 1, 3001, r, 7000)).toBeUndefined();
    expect(nextRetryDelay(p, 3, 0, r, 10)).toBeUndefined();
  });
});

describe('withRetry', () => {
  it('retries until the operation succeeds, waiting on the injected clock', async () => {
    const clock = steppingClock();
    const policy = compileRetryPolicy({ maxAttempts: 5, jitter: 0 });
    let calls = 0;
    const value = await withRetry(
      (attempt) => {
        calls++;
        return attempt < 3 ? Promise.reject(new Error(`fail ${attempt}`)) : Promise.resolve('ok');
      },
      { policy, clock, random: createRandom(1) },
    );
    expect(value).toBe('ok');
    expect(calls).toBe(3);
    expect(clock.waits).toEqual([100, 200]);
  });

  it('rethrows the last failure when the budget on the clock is spent', async () => {
    const clock = steppingClock();
    const policy = compileRetryPolicy({ maxAttempts: Infinity, jitter: 0, budgetMs: 600 });
    const failures: number[] = [];
    await expect(
      withRetry((attempt) => Promise.reject(new Error(`fail ${attempt}`)), {
        policy,
        clock,
        random: createRandom(1),
        onRetry: (_e, a) => failures.push(a),
      }),
    ).rejects.toThrow('fail 3');
    // 100 + 200 spent; the next wait (400) would end at 700, past the budget of 600.
    expect(clock.waits).toEqual([100, 200]);
    expect(failures).toEqual([1, 2]);
  });

  it('counts the budget from its first attempt, on a clock that did not start at 0', async () => {
    const clock = steppingClock(1_000_000);
    const policy = compileRetryPolicy({ maxAttempts: Infinity, jitter: 0, budgetMs: 600 });
    await expect(
      withRetry((attempt) => Promise.reject(new Error(`fail ${attempt}`)), {
        policy,
        clock,
        random: createRandom(1),
      }),
    ).rejects.toThrow('fail 3');
    expect(clock.waits).toEqual([100, 200]);
  });

  it('does not retry a failure the caller says is permanent', async () => {
    const clock = steppingClock();
    let calls = 0;
    await expect(
      withRetry(
        () => {
          calls++;
          return Promise.reject(new Error('forbidden'));
        },
        {
          policy: compileRetryPolicy(),
          clock,
          random: createRandom(1),
          retryable: (e) => (e as Error).message !== 'forbidden',
        },
      ),
    ).rejects.toThrow('forbidden');
    expect(calls).toBe(1);
    expect(clock.waits).toEqual([]);
  });
});
