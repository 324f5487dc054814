/**
 * Time, injected. Wall time stamps trace events and latencies; timers drive ask deadlines,
 * retries and xstate's delayed transitions. A virtual clock (schedule exploration) replaces
 * both, so a run does not depend on how fast the machine is.
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
