import type { KV } from '@llm-teams/broker';
import type { Clock } from '@llm-teams/runtime';

export interface LeaseKeeperOptions {
  kv: KV;
  /** The lease's key (one per role). Default `coordinator`. */
  key?: string;
  holder: string;
  /** How long a lease lasts without renewal. Default 2000. */
  leaseMs?: number;
  clock: Clock;
  onAcquired(epoch: number): void;
  onLost(reason: string): void;
}

interface LeaseValue {
  holder: string;
  until: number;
}

const encoder = new TextEncoder();
const decoder = new TextDecoder();

/**
 * Leader election by lease: a key in KV holding `{ holder, until }`, taken and renewed only by
 * compare-and-set, so two candidates can never both hold it. The holder renews every third of
 * the lease; a candidate takes an expired lease. The revision of the write that took the lease
 * is the leader's epoch, a fencing token that grows with every change of leader.
 * Expiry compares wall clocks of different machines: leases assume clocks within a fraction
 * of `leaseMs` of each other (NTP), as lease-based systems do.
 */
export function createLeaseKeeper(options: LeaseKeeperOptions): { close(): void } {
  const key = options.key ?? 'coordinator';
  const leaseMs = options.leaseMs ?? 2000;
  const { kv, clock, holder } = options;
  let leading = false;
  let closed = false;
  let timer: unknown;
  const value = (until: number) =>
    encoder.encode(JSON.stringify({ holder, until } satisfies LeaseValue));

  async function step(): Promise<void> {
    const now = clock.now();
    const entry = await kv.get(key);
    const current =
      entry && entry.operation === 'PUT'
        ? (JSON.parse(decoder.decode(entry.value)) as LeaseValue)
        : undefined;
    if (!entry || !current) {
      const rev = await kv.create(key, value(now + leaseMs)).catch(() => 0);
      if (rev > 0) acquired(rev);
      return;
    }
    if (current.holder === holder) {
      const rev = await kv.update(key, value(now + leaseMs), entry.revision).catch(() => 0);
      if (rev === 0) lost('renewal refused');
      else if (!leading) acquired(rev);
      return;
    }
    if (leading) lost(`lease held by ${current.holder}`);
    if (current.until < now) {
      const rev = await kv.update(key, value(now + leaseMs), entry.revision).catch(() => 0);
      if (rev > 0) acquired(rev);
    }
  }
  function acquired(epoch: number): void {
    leading = true;
    options.onAcquired(epoch);
  }
  function lost(reason: string): void {
    if (!leading) return;
    leading = false;
    options.onLost(reason);
  }
  const loop = () => {
    if (closed) return;
    step()
      .catch(() => lost('lease store unavailable'))
      .finally(() => {
        if (!closed) timer = clock.setTimeout(loop, leaseMs / 3);
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
