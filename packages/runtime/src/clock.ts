/**
 * Time, injected. Wall time stamps trace events and latencies; timers drive ask deadlines,
 * retries and xstate's delayed transitions. A virtual clock (schedule exploration) replaces
 * both, so a run does not depend on how fast the machine is.
 *
 * System time: this is the system clock, `Clock` on the machine's time (the documented default).
 */
export type TimerHandle = unknown;

export interface Clock {
  /** Milliseconds since the epoch. */
  now(): number;
  setTimeout(fn: () => void, ms: number): TimerHandle;
  clearTimeout(handle: TimerHandle): void;
}

export const systemClock: Clock = {
  now: () => Date.now(),
  setTimeout: (fn, ms) => {
    const t = setTimeout(fn, ms);
    // Runtime timers never keep a process alive on their own: close() is how things end.
    t.unref();
    return t;
  },
  clearTimeout: (handle) => clearTimeout(handle as NodeJS.Timeout),
};

/** A repeating timer on a `Clock`; `cancel()` stops it. */
export interface Repeating {
  cancel(): void;
}

/** Calls `fn` every `ms` on `clock` (each next call armed after the previous one ran). */
export function every(clock: Clock, ms: number, fn: () => void): Repeating {
  let cancelled = false;
  let handle: TimerHandle;
  const tick = () => {
    if (cancelled) return;
    fn();
    if (!cancelled) handle = clock.setTimeout(tick, ms);
  };
  handle = clock.setTimeout(tick, ms);
  return {
    cancel() {
      cancelled = true;
      clock.clearTimeout(handle);
    },
  };
}

/**
 * Resolves after `ms` on `clock`: every wait goes through the clock, so a virtual one decides.
 * With `signal`, resolves at once when it is aborted (its timer cleared).
 */
export function delay(clock: Clock, ms: number, signal?: AbortSignal): Promise<void> {
  if (!signal) return new Promise<void>((resolve) => clock.setTimeout(resolve, ms));
  return new Promise<void>((resolve) => {
    if (signal.aborted) return resolve();
    const done = () => {
      clock.clearTimeout(timer);
      signal.removeEventListener('abort', done);
      resolve();
    };
    const timer = clock.setTimeout(done, ms);
    signal.addEventListener('abort', done, { once: true });
  });
}
