import type { Clock, TimerHandle } from '../clock.js';

/**
 * A host's clock under clock faults: a base clock plus skews (an offset, as a clock stepped by
 * a bad NTP server) and drifts (a rate, as a fast or slow oscillator). Everything a host
 * decides by time goes through its clock, so a skew moves the wall times it stamps and
 * compares (leases written for other hosts to read), and a drift stretches its timers too
 * (heartbeat intervals, failure-detector timeouts, lease renewals, deadlines).
 *
 * Each fault is one contribution, added and removed by id; their offsets and rates add up.
 * Removing a drift removes what it accumulated: the clock steps back to true time, as NTP
 * would once it reaches the host again.
 */
export interface SkewedClock extends Clock {
  /** Adds (or replaces) a contribution: `offsetMs` at once, `rate` from now on (0.5: 50 %
   *  fast; -0.5: half speed). */
  set(id: string, fault: { offsetMs?: number; rate?: number }): void;
  /** Removes a contribution; false when there was none. */
  remove(id: string): boolean;
  /** How far this clock is from the base clock now, in ms. */
  readonly errorMs: number;
  /** The sum of the drift rates in force. */
  readonly rate: number;
}

interface Contribution {
  offsetMs: number;
  rate: number;
  /** Base time the drift started. */
  since: number;
}

export function createSkewedClock(base: Clock): SkewedClock {
  const faults = new Map<string, Contribution>();
  const error = (at: number) => {
    let ms = 0;
    for (const f of faults.values()) ms += f.offsetMs + (at - f.since) * f.rate;
    return ms;
  };
  const rate = () => {
    let r = 0;
    for (const f of faults.values()) r += f.rate;
    return r;
  };
  return {
    now: () => {
      const at = base.now();
      return at + error(at);
    },
    // A timer runs on this clock: `ms` of it pass in ms / (1 + rate) of the base clock's.
    // Timers set before a rate changes keep their base delay, as a hardware timer would.
    setTimeout: (fn: () => void, ms: number): TimerHandle =>
      base.setTimeout(fn, Math.max(0, ms) / Math.max(1e-3, 1 + rate())),
    clearTimeout: (handle) => base.clearTimeout(handle),
    set(id, fault) {
      const r = fault.rate ?? 0;
      const total = rate() - (faults.get(id)?.rate ?? 0) + r;
      // A clock that stops or runs backwards has no timers that fire.
      if (!(total > -1)) {
        throw new RangeError(`a clock's drift rates must add up to more than -1 (got ${total})`);
      }
      faults.set(id, { offsetMs: fault.offsetMs ?? 0, rate: r, since: base.now() });
    },
    remove: (id) => faults.delete(id),
    get errorMs() {
      return error(base.now());
    },
    get rate() {
      return rate();
    },
  };
}
