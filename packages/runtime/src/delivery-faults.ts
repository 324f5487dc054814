import type { Clock } from './clock.js';
import type { HostStats } from './host-core.js';
import type { InterceptDecision } from './message-interceptor.js';
import type { TraceLane } from './trace-lane.js';

/**
 * What an interceptor's decision means for one transmission, once traced and counted:
 * deliver it (`copies` extra times for a duplicate), drop it, or hold it for a while.
 */
export type FaultOutcome =
  | { kind: 'deliver'; copies: number }
  | { kind: 'drop'; fault: string }
  | { kind: 'delay'; ms: number; release: Promise<unknown> | undefined };

const DELIVER: FaultOutcome = Object.freeze({ kind: 'deliver', copies: 0 });

/**
 * The one place a fault decision about a delivery is applied: every side (a send, a durable
 * publish attempt, a receive) comes through here, so each fault is traced (`fault`, on
 * `lane`) and counted (`dropped`) the same way.
 */
export function resolveFault(
  decision: InterceptDecision | undefined,
  lane: TraceLane,
  msgId: string,
  side: 'send' | 'recv',
  stats: HostStats,
): FaultOutcome {
  if (!decision || decision.action === 'deliver') return DELIVER;
  const { action: _a, release, ...detail } = decision;
  lane.emit({ kind: 'fault', ...detail, fault: decision.fault, msgId, side });
  switch (decision.action) {
    case 'drop':
      stats.dropped++;
      return { kind: 'drop', fault: decision.fault };
    case 'delay':
      return {
        kind: 'delay',
        ms: decision.ms,
        release: release instanceof Promise ? release : undefined,
      };
    case 'duplicate':
      return { kind: 'deliver', copies: decision.copies };
  }
}

/**
 * Deliveries held back by a `delay` fault, on the host's clock. Each runs after its `ms`, or
 * sooner when its `release` settles (a held message let go, a partition healed);
 * `releaseAll()` lets every one go at once, so a held delivery cannot keep a closing host open.
 */
export class HeldDeliveries {
  readonly #clock: Clock;
  readonly #held = new Set<() => void>();

  constructor(clock: Clock) {
    this.#clock = clock;
  }

  later(delay: { ms: number; release?: Promise<unknown> | undefined }, fn: () => void): void {
    let done = false;
    const fire = () => {
      if (done) return;
      done = true;
      this.#held.delete(fire);
      this.#clock.clearTimeout(timer);
      fn();
    };
    const timer = this.#clock.setTimeout(fire, delay.ms);
    this.#held.add(fire);
    if (delay.release) void delay.release.then(fire, fire);
  }

  /** Waits as `later` does. */
  wait(delay: { ms: number; release?: Promise<unknown> | undefined }): Promise<void> {
    return new Promise((resolve) => this.later(delay, resolve));
  }

  releaseAll(): void {
    for (const fire of [...this.#held]) fire();
  }

  /**
   * Runs `fn` as `outcome` says: now (once, or once per copy), after the delay, or not at all.
   */
  run(outcome: FaultOutcome, fn: () => void): void {
    if (outcome.kind === 'deliver') {
      for (let i = 0; i <= outcome.copies; i++) fn();
    } else if (outcome.kind === 'delay') {
      this.later(outcome, fn);
    }
  }
}
