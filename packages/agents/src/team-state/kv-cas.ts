import { isSoleWriterKv, type KV } from '@llm-teams/broker';

/** What `casUpdate` reads of nats.js's KV implementation (its `Bucket` class). */
interface BucketView {
  jsm?: {
    streams: {
      info(name: string): Promise<{ config: { num_replicas: number } }>;
      getMessage(
        stream: string,
        query: { seq: number; next_by_subj: string },
      ): Promise<StoredWrite>;
    };
  };
  stream?: string;
  subjectForKey?(key: string): string;
}

/** One stored write of a key (a put, or a delete or purge marker). */
interface StoredWrite {
  seq: number;
  data: Uint8Array;
  header?: { get(name: string): string };
}

/** The error of a compare-and-set that lost: the same words the server uses, so callers that
 *  already handle the server's refusal handle this one too. */
export class CasConflictError extends Error {
  constructor(key: string, baseRev: number, winner: number) {
    super(
      `wrong last sequence: revision ${baseRev} of ${key} was replaced by revision ${winner} first`,
    );
    this.name = 'CasConflictError';
  }
}

const replicated = new WeakMap<KV, Promise<boolean>>();

/** Whether the bucket's stream is replicated (one request per bucket handle). */
function isReplicated(kv: KV, b: Required<BucketView>): Promise<boolean> {
  let known = replicated.get(kv);
  if (!known) {
    known = b.jsm.streams.info(b.stream).then(
      (i) => i.config.num_replicas > 1,
      () => true,
    );
    replicated.set(kv, known);
  }
  return known;
}

/**
 * `kv.update(key, value, baseRev)` that holds on a replicated bucket. A clustered nats-server
 * (2.9.10, Debian's, among others) checks the expected revision before the replicated write
 * instead of within it, so several writers naming one revision at the same moment can all
 * succeed, each overwriting the others' update unseen (the chaos soak found it: docs/soak.md).
 * Here every successful update checks that it was the first write to the key after `baseRev`;
 * one that was not puts the first one's value back (only while its own write is still the
 * latest, so no later update is undone) and fails as the server's own refusal would.
 * Unreplicated buckets, where the server's check is exact, skip the check.
 */
export async function casUpdate(
  kv: KV,
  key: string,
  value: Uint8Array,
  baseRev: number,
): Promise<number> {
  const rev = await kv.update(key, value, baseRev);
  const bucket = await checkedBucket(kv);
  if (!bucket) return rev;
  const first = await bucket.jsm.streams.getMessage(bucket.stream, {
    seq: baseRev + 1,
    next_by_subj: bucket.subjectForKey(key),
  });
  if (first.seq === rev) return rev;
  // Another update of baseRev landed first: this one should have been refused.
  await restore(kv, key, first.data, rev);
  throw new CasConflictError(key, baseRev, first.seq);
}

/** The bucket's stream view when its writes need casUpdate's check (it is replicated). */
async function checkedBucket(kv: KV): Promise<Required<BucketView> | undefined> {
  // One writer making one write at a time (a controlled run): no other update can race it.
  if (isSoleWriterKv(kv)) return undefined;
  const b = kv as unknown as BucketView;
  if (!b.jsm || !b.stream || !b.subjectForKey) return undefined;
  const bucket = b as Required<BucketView>;
  return (await isReplicated(kv, bucket)) ? bucket : undefined;
}

/**
 * `kv.create(key, value)` (the key's first write, or its first after a delete) that holds on
 * a replicated bucket, as `casUpdate` does for updates: several creates at once can all succeed
 * there. After a create, reads the key's earlier writes still kept (at most the bucket's
 * history); a put after the last delete or purge before ours means another create won: its
 * value is put back (only while ours is still the latest) and this one fails as the server's
 * own refusal would (`wrong last sequence`).
 */
export async function casCreate(kv: KV, key: string, value: Uint8Array): Promise<number> {
  const rev = await kv.create(key, value);
  const bucket = await checkedBucket(kv);
  if (!bucket) return rev;
  const subject = bucket.subjectForKey(key);
  let winner: StoredWrite | undefined;
  for (let seq = 1; ;) {
    const m = await bucket.jsm.streams
      .getMessage(bucket.stream, { seq, next_by_subj: subject })
      .catch((err: unknown) => {
        if (/no message found/i.test(String(err))) return undefined;
        throw err;
      });
    if (!m || m.seq >= rev) break;
    const op = m.header?.get('KV-Operation');
    winner = op === 'DEL' || op === 'PURGE' ? undefined : (winner ?? m);
    seq = m.seq + 1;
  }
  if (!winner) return rev;
  await restore(kv, key, winner.data, rev);
  throw new CasConflictError(key, 0, winner.seq);
}

/**
 * Puts the winner's value back over our write at `rev`, while ours is still the key's latest
 * (a failed attempt is retried unless another write came since: that one builds on whatever
 * it read and must not be undone). Leaving our value in place would lose the winner's write.
 */
async function restore(kv: KV, key: string, winner: Uint8Array, rev: number): Promise<void> {
  for (let attempt = 1; attempt <= 5; attempt++) {
    try {
      await kv.update(key, winner, rev);
      return;
    } catch {
      const now = await kv.get(key).catch(() => undefined);
      if (now && now.revision !== rev) return;
    }
  }
}
