import type { KV } from '@llm-teams/broker';
import type { Clock } from '@llm-teams/runtime';
import { casUpdate } from '../team-state/kv-cas.js';

export interface LeaseKeeperOptions {
  kv: KV;
  /** The lease's key (one per role). Default `coordinator`. */
  key?: string;
  holder: string;
  /** How long a lease lasts without renewal. Default 2000. */
  leaseMs?: number;
  /** The clock error the lease tolerates: a candidate takes an expired lease only once it has
   *  been expired this long by its own clock, so a candidate whose clock runs up to this far
   *  ahead of the holder's never takes a lease its holder still counts as valid. 0 trusts the
   *  clocks to agree (the deliberately broken `lease-skew` variant when they do not).
   *  Default 0. */
  skewMs?: number;
  clock: Clock;
  onAcquired(epoch: number): void;
  /** `validForMs`, when another candidate took the lease: how much longer it was valid by
   *  this holder's clock when it found out (above 0: taken while its holder still counted it
   *  valid, two leaders at once). Absent when the store could not be reached. */
  onLost(reason: string, validForMs?: number): void;
}

interface LeaseValue {
  holder: string;
  until: number;
}

const encoder = new TextEncoder();
const isConflict = (err: unknown) =>
  /wrong last sequence|key exists|already exists/i.test(String((err as Error)?.message ?? err));
const decoder = new TextDecoder();

/**
 * Leader election by lease: a key in KV holding `{ holder, until }`, taken and renewed only by
 * compare-and-set, so two candidates can never both hold it. The holder renews every third of
 * the lease; a candidate takes an expired lease. The revision of the write that took the lease
 * is the leader's epoch, a fencing token that grows with every change of leader.
 * Expiry compares wall clocks of different machines: a lease is safe against clocks up to
 * `skewMs` apart (a bound NTP keeps, as lease-based systems assume); beyond it, or with no
 * margin, two coordinators can both lead for a while, and fencing is what keeps their
 * commands apart (docs/bugs/lease-skew.md).
 */
export function createLeaseKeeper(options: LeaseKeeperOptions): { close(): void } {
  const key = options.key ?? 'coordinator';
  const leaseMs = options.leaseMs ?? 2000;
  const skewMs = Math.max(0, options.skewMs ?? 0);
  const { kv, clock, holder } = options;
  let leading = false;
  // Until when this holder's last successful write keeps the lease, by its own clock.
  let heldUntil = 0;
  let closed = false;
  let timer: unknown;
  const value = (until: number) =>
    encoder.encode(JSON.stringify({ holder, until } satisfies LeaseValue));

  /** `pausedMs`: how late this step started (see `loop`). */
  async function step(pausedMs: number): Promise<void> {
    const now = clock.now();
    const entry = await kv.get(key);
    const current =
      entry && entry.operation === 'PUT'
        ? (JSON.parse(decoder.decode(entry.value)) as LeaseValue)
        : undefined;
    if (!entry || !current) {
      const rev = await kv.create(key, value(now + leaseMs)).catch(() => 0);
      if (rev > 0) acquired(rev, now + leaseMs);
      return;
    }
    if (current.holder === holder) {
      // A refused compare-and-set: another candidate wrote the lease; any other error: the
      // store could not be reached, which takes the lease from nobody.
      const rev = await casUpdate(kv, key, value(now + leaseMs), entry.revision).catch(
        (err: unknown) => (isConflict(err) ? 0 : -1),
      );
      if (rev <= 0) {
        lost(rev === 0 ? 'renewal refused' : 'lease store unavailable', rev === 0);
      } else if (!leading) acquired(rev, now + leaseMs);
      else heldUntil = now + leaseMs;
      return;
    }
    if (leading) lost(`lease held by ${current.holder}`);
    // Expiry is judged as of when this step was due: a candidate that was itself paused (a
    // process starved of CPU, a stopped VM) did not see the time it missed pass, and its holder,
    // paused alike when they share the process or the machine, had no chance to renew in it.
    // Its next step, on time, takes over if the holder still has not renewed.
    if (current.until + skewMs < now - pausedMs) {
      const rev = await casUpdate(kv, key, value(now + leaseMs), entry.revision).catch(() => 0);
      if (rev > 0) acquired(rev, now + leaseMs);
    }
  }
  function acquired(epoch: number, until: number): void {
    leading = true;
    heldUntil = until;
    options.onAcquired(epoch);
  }
  /** `taken`: another candidate holds the lease now (not merely an unreachable store). */
  function lost(reason: string, taken = true): void {
    if (!leading) return;
    leading = false;
    if (taken) options.onLost(reason, heldUntil - clock.now());
    else options.onLost(reason);
  }
  const renewEveryMs = leaseMs / 3;
  // When the next step is due, by this keeper's clock.
  let dueAt = clock.now();
  const loop = () => {
    if (closed) return;
    const startedAt = clock.now();
    // Late by more than a renewal interval: paused. (A timer is late by a few ms anyway.)
    const late = startedAt - dueAt;
    step(late > renewEveryMs ? late : 0)
      .catch(() => lost('lease store unavailable', false))
      .finally(() => {
        if (closed) return;
        // Every third of the lease from this step's start, not its end: a slow store (a
        // loaded machine) must not stretch the renewal interval past the lease.
        dueAt = Math.max(clock.now(), startedAt + renewEveryMs);
        timer = clock.setTimeout(loop, dueAt - clock.now());
      });
  };
  loop();
  return {
    close() {
      closed = true;
      clock.clearTimeout(timer);
    },
  };
}
