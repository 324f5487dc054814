import type { Clock } from '@llm-teams/runtime';

export interface TestClock extends Clock {
  /** The delay of every timer set, in order (retry waits, timeouts, simulated latency). */
  readonly delays: number[];
  /** Timers not yet fired or cleared. */
  pending(): number[];
  /** Fires the pending timers whose delay `which` accepts (default all), advancing `now`. */
  fire(which?: (ms: number) => boolean): number;
  /** Resolves when a timer that `which` accepts is pending. */
  waitForTimer(which: (ms: number) => boolean): Promise<void>;
}

/**
 * Virtual time for tests that must not sleep. Timers shorter than `autoFireBelowMs` fire on the
 * next turn of the event loop (as if the time had passed); longer ones wait for `fire()`, so a
 * test decides when a timeout happens, after the event it waits on.
 */
export function createTestClock(options: { autoFireBelowMs?: number } = {}): TestClock {
  const auto = options.autoFireBelowMs ?? Number.POSITIVE_INFINITY;
  let now = 1_700_000_000_000;
  let nextId = 0;
  const delays: number[] = [];
  const timers = new Map<number, { ms: number; at: number; fn: () => void }>();
  const watchers: { which: (ms: number) => boolean; resolve: () => void }[] = [];

  const run = (id: number) => {
    const t = timers.get(id);
    if (t === undefined) return;
    timers.delete(id);
    now = Math.max(now, t.at);
    t.fn();
  };

  return {
    delays,
    now: () => now,
    setTimeout(fn, ms) {
      const id = nextId++;
      delays.push(ms);
      timers.set(id, { ms, at: now + ms, fn });
      if (ms < auto) setImmediate(() => run(id));
      for (const w of watchers.filter((x) => x.which(ms))) {
        watchers.splice(watchers.indexOf(w), 1);
        w.resolve();
      }
      return id;
    },
    clearTimeout(handle) {
      timers.delete(handle as number);
    },
    pending: () => [...timers.values()].map((t) => t.ms),
    fire(which = () => true) {
      const due = [...timers.entries()].filter(([, t]) => which(t.ms)).map(([id]) => id);
      for (const id of due) run(id);
      return due.length;
    },
    waitForTimer(which) {
      if ([...timers.values()].some((t) => which(t.ms))) return Promise.resolve();
      return new Promise((resolve) => watchers.push({ which, resolve }));
    },
  };
}
