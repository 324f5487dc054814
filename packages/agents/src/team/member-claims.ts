import { randomBytes } from 'node:crypto';
import type { KV, KvEntry } from '@llm-teams/broker';
import { delay, systemClock, type Clock } from '@llm-teams/runtime';
import { AgentsError } from '../agents-error.js';
import { casCreate, casUpdate } from '../team-state/kv-cas.js';

/**
 * A member of a team is live in one place at a time. Before a process spawns a member it
 * claims it: a key `member.<id>` in the team's board bucket, created with compare-and-set and
 * renewed (rewritten, compare-and-set on its revision) every `renewMs` while the member runs.
 *
 * - A claim nobody holds (no key, or released) is taken at once.
 * - A held claim whose holder is alive changes within `ttlMs` (its renewals): the newcomer is
 *   refused with an error naming the node that holds it.
 * - A held claim that does not change for `ttlMs` belongs to a dead process (killed, or cut
 *   off): the newcomer takes it over, compare-and-set on the revision it watched, so of two
 *   newcomers one wins.
 *
 * No clock is compared across machines: staleness is judged by watching the key for `ttlMs`
 * of the newcomer's own time. A holder whose renewal finds the key changed (taken over while
 * it was cut off) has lost the member: `onLost` stops it.
 */
export interface MemberClaimValue {
  member: string;
  /** The trace node of the holding process. */
  node: string;
  /** Random per process: tells two processes with one node name apart. */
  host: string;
  /** 1 for the first holder; each takeover adds 1. */
  generation: number;
  state: 'live' | 'released';
}

export interface MemberClaimOptions {
  kv: KV;
  member: string;
  node: string;
  host: string;
  /** Default 1000. */
  renewMs?: number;
  /** A claim unchanged this long is stale. Default 5000. */
  ttlMs?: number;
  /** Called once if the claim is lost (another process took it over). */
  onLost?: (by: MemberClaimValue | undefined) => void;
  /** Called when the claim is held and the newcomer waits to see whether it is stale. */
  onWait?: (holder: MemberClaimValue, ttlMs: number) => void;
  /** Times the renewals, the staleness watch and the read retries. Default `systemClock`. */
  clock?: Clock;
}

export interface MemberClaim {
  readonly member: string;
  readonly generation: number;
  /** Stops renewing and marks the claim released, so the next host takes it at once. */
  release(): Promise<void>;
}

export const MEMBER_CLAIM_PREFIX = 'member.';

const encoder = new TextEncoder();
const decoder = new TextDecoder();
const keyOf = (member: string) => `${MEMBER_CLAIM_PREFIX}${member}`;
const encode = (v: MemberClaimValue) => encoder.encode(JSON.stringify(v));

function decode(e: KvEntry | null): MemberClaimValue | undefined {
  if (!e || e.operation !== 'PUT' || e.value.length === 0) return undefined;
  try {
    return JSON.parse(decoder.decode(e.value)) as MemberClaimValue;
  } catch {
    return undefined;
  }
}

const isConflict = (err: unknown) =>
  /wrong last sequence|key exists|already exists/i.test(String((err as Error)?.message ?? err));

/** A KV read that retries timeouts (a cluster failing over) for up to `limitMs`. */
async function read(kv: KV, key: string, clock: Clock, limitMs = 30_000): Promise<KvEntry | null> {
  const deadline = clock.now() + limitMs;
  for (;;) {
    try {
      return await kv.get(key);
    } catch (err) {
      if (clock.now() > deadline) throw err;
      await delay(clock, 250);
    }
  }
}

/** Claims `member` for this process, or throws `MEMBER_LIVE` naming where it is live. */
export async function claimMember(options: MemberClaimOptions): Promise<MemberClaim> {
  const { kv, member } = options;
  const key = keyOf(member);
  const ttlMs = options.ttlMs ?? 5000;
  const clock = options.clock ?? systemClock;
  const mine = (generation: number): MemberClaimValue => ({
    member,
    node: options.node,
    host: options.host,
    generation,
    state: 'live',
  });
  let rev: number;
  let generation: number;
  for (;;) {
    const entry = await read(kv, key, clock);
    const held = decode(entry);
    try {
      if (!entry) {
        generation = 1;
        rev = await casCreate(kv, key, encode(mine(generation)));
      } else if (!held || held.state === 'released' || held.host === options.host) {
        generation = (held?.generation ?? 0) + 1;
        rev = await casUpdate(kv, key, encode(mine(generation)), entry.revision);
      } else {
        options.onWait?.(held, ttlMs);
        const since = entry.revision;
        const deadline = clock.now() + ttlMs;
        let changed = false;
        while (!changed && clock.now() < deadline) {
          await delay(clock, Math.min(250, ttlMs));
          const now = await read(kv, key, clock).catch(() => null);
          changed = now !== null && now.revision !== since;
        }
        if (changed) {
          const now = decode(await read(kv, key, clock));
          if (now && now.state === 'live' && now.host !== options.host) {
            throw new AgentsError(
              'MEMBER_LIVE',
              `member ${member} is live on node ${now.node} (its claim was renewed within ${ttlMs} ms); a member runs in one place at a time: stop it there first`,
            );
          }
          continue;
        }
        generation = held.generation + 1;
        rev = await casUpdate(kv, key, encode(mine(generation)), since);
      }
    } catch (err) {
      if (err instanceof AgentsError || !isConflict(err)) throw err;
      // Someone wrote the key between our read and our write: look again.
      continue;
    }
    break;
  }

  let stopped = false;
  let lost = false;
  // Aborted by release: the wait for the next renewal ends at once.
  const waking = new AbortController();
  const renew = async () => {
    while (!stopped) {
      await delay(clock, options.renewMs ?? 1000, waking.signal);
      if (stopped) return;
      try {
        rev = await casUpdate(kv, key, encode(mine(generation)), rev);
      } catch (err) {
        if (!isConflict(err)) continue; // unavailable for a moment: the next renewal retries
        const now = await read(kv, key, clock, 5000).catch(() => null);
        const by = decode(now);
        // A racing claimer that lost put our claim back (casUpdate), moving its revision:
        // still ours.
        if (
          now &&
          by?.host === options.host &&
          by.generation === generation &&
          by.state === 'live'
        ) {
          rev = now.revision;
          continue;
        }
        lost = true;
        stopped = true;
        options.onLost?.(by);
        return;
      }
    }
  };
  const renewing = renew();
  return {
    member,
    generation,
    async release() {
      if (stopped) {
        await renewing;
        if (lost) return;
      }
      stopped = true;
      waking.abort();
      await renewing;
      if (lost) return;
      await casUpdate(kv, key, encode({ ...mine(generation), state: 'released' }), rev).catch(
        () => undefined,
      );
    },
  };
}

/** The members whose claims are live now (the join barrier's view of who has joined). */
export async function liveMembers(kv: KV, members: readonly string[]): Promise<string[]> {
  const out: string[] = [];
  for (const m of members) {
    const v = decode(await kv.get(keyOf(m)).catch(() => null));
    if (v?.state === 'live') out.push(m);
  }
  return out;
}

/** Claims each of `members` in turn (`claimMember`); if one is refused, releases those
 *  already taken and throws its error. */
export async function claimMembers(
  options: Omit<MemberClaimOptions, 'member' | 'onLost'> & {
    members: readonly string[];
    onLost?: (member: string, by: MemberClaimValue | undefined) => void;
  },
): Promise<MemberClaim[]> {
  const { members, onLost, ...rest } = options;
  const claims: MemberClaim[] = [];
  try {
    for (const member of members)
      claims.push(
        await claimMember({
          ...rest,
          member,
          ...(onLost ? { onLost: (by) => onLost(member, by) } : {}),
        }),
      );
  } catch (err) {
    await Promise.all(claims.map((c) => c.release()));
    throw err;
  }
  return claims;
}

/** A node process's claims on the members it hosts, and what it hears of them. */
export interface NodeClaimOptions {
  kv: KV;
  members: readonly string[];
  /** The node's name in the trace. */
  node: string;
  clock: Clock;
  onClaimWait?: ((holder: MemberClaimValue, ttlMs: number) => void) | undefined;
  onClaimLost?: ((member: string, by: MemberClaimValue | undefined) => void) | undefined;
  /** Stops a member here once another process took its claim over. */
  stop: (member: string) => void;
}

/** Claims a node's members before anything of them starts (`claimMembers`, as a process of
 *  its own: a fresh host id); a member whose claim is lost is stopped. */
export function claimNodeMembers(options: NodeClaimOptions): Promise<MemberClaim[]> {
  return claimMembers({
    kv: options.kv,
    members: options.members,
    node: options.node,
    host: randomBytes(6).toString('hex'),
    clock: options.clock,
    ...(options.onClaimWait ? { onWait: options.onClaimWait } : {}),
    onLost: (member, by) => {
      options.onClaimLost?.(member, by);
      options.stop(member);
    },
  });
}

/** The members a node's claims make it host, as its id scope: a member taken over from a dead
 *  process draws ids apart from its predecessor's (the stream would drop a repeated id as a
 *  duplicate). */
export function claimedIdScope(claims: readonly MemberClaim[]): string[] {
  return claims.map((c) => (c.generation > 1 ? `${c.member}#${c.generation}` : c.member));
}
