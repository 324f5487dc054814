/**
 * One turn and one flush for many controlled runs on one connection. A driver's step sends
 * one request or a few messages; taken one run at a time, each is a socket write and a wake-up
 * of the server, which cost more than the work (a KV get: ~175 us of this process's CPU and
 * ~110 us of the server's alone, ~35 us each when eight go together). Runs waiting for the
 * next turn are all let go in one `setImmediate`, so the steps they take leave in one write;
 * flushes asked for in one round of microtasks share one PING, sent after every message
 * published before any of them was asked for.
 */
export interface StepBatcher {
  readonly tick: () => Promise<void>;
  readonly flush: () => Promise<void>;
}

export function createStepBatcher(nc: { flush(): Promise<void> }): StepBatcher {
  let waiting: (() => void)[] = [];
  let flushing: Promise<void> | undefined;
  const release = () => {
    const now = waiting;
    waiting = [];
    for (const resolve of now) resolve();
  };
  return {
    tick: () =>
      new Promise<void>((resolve) => {
        if (waiting.push(resolve) === 1) setImmediate(release);
      }),
    flush: () =>
      (flushing ??= Promise.resolve().then(() => {
        flushing = undefined;
        return nc.flush();
      })),
  };
}
