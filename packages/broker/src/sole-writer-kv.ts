/**
 * System time: an entry's `created` stands in for the stamp the server would give, which is the
 * machine's time.
 */
import type { KV, KvEntry } from '@nats-io/kv';
import { BrokerError } from './errors.js';

/**
 * A bucket only this process writes, read from what it knows: the entry each of its own
 * writes left (value and the revision the server acknowledged) or a read from the server
 * returned. A controlled run (docs/schedules.md) runs its team in one process and makes one
 * step at a time, so nothing else changes the bucket and no read overlaps a write: the answer
 * kept here is the one the server would give, without the request (a tiny schedule made ~180
 * reads, most of the server's work and a large part of the client's). Writes still go to the
 * server, which checks compare-and-set and numbers revisions.
 *
 * Which keys exist at all is learnt once, by listing the bucket's subjects at the first read:
 * a key not listed then and not written since has no entry. A deleted or purged key is read
 * from the server again (the marker's revision is not acknowledged to the writer).
 *
 * With `create`, the bucket is created (`create()`) before its first write or any other
 * request that needs its stream (watch, keys, history, status); until then a read finds the
 * bucket empty when its stream does not exist yet. A controlled run so creates only the
 * buckets its team writes.
 *
 * With `empty`, the bucket is known to have no keys yet (a new team's, `fresh`): nothing is
 * listed, its keys are those this process writes.
 *
 * With `revisionBase`, the bucket was emptied after an earlier run (`createBucketPool`): its
 * stream's sequence goes on from there, so revisions are counted from that base, as in a new
 * bucket (the first write is revision 1): acknowledged and read revisions less the base,
 * expected ones (compare-and-set, a read by revision) plus it, and the revision a refused
 * compare-and-set names less it. Its history and watch would show an earlier run's revisions
 * and are refused.
 *
 * Relies on nats.js's KV implementation (its `Bucket` class: every write goes through `_put`
 * or `_doDeleteOrPurge`) and on the default key and value codecs.
 */
export function soleWriterKv(
  kv: KV,
  create?: () => Promise<unknown>,
  options: SoleWriterOptions = {},
): KV {
  const b = kv as unknown as BucketInternals;
  const base = options.revisionBase ?? 0;
  const local = (e: KvEntry): KvEntry => (base === 0 ? e : rebased(e, base));
  // A refused compare-and-set names the key's revision: as this run counts it. It appended
  // nothing; any other failure may have (a lost acknowledgement).
  const refused = (err: unknown): never => {
    const refusal = err instanceof Error && WRONG_SEQUENCE.test(err.message);
    if (!refusal) options.onWrite?.(false);
    if (base !== 0 && refusal) {
      err.message = err.message.replace(
        WRONG_SEQUENCE,
        (_, n: string) =>
          // 0: the key has no entry (none is left from before the emptying).
          `wrong last sequence: ${Number(n) === 0 ? 0 : Number(n) - base}`,
      );
    }
    throw err;
  };
  // An expected revision of 0 is "no entry yet": it needs no base.
  const expected = (opts: unknown) => {
    const o = opts as { previousSeq?: number } | undefined;
    return base === 0 || !o?.previousSeq ? opts : { ...o, previousSeq: o.previousSeq + base };
  };
  let created: Promise<unknown> | undefined;
  const ensure = () => (create ? (created ??= create()) : undefined);
  const known = new Map<string, KvEntry>();
  // Deleted or purged by this process: the marker's revision must be read.
  const unread = new Set<string>();
  let listed: Promise<Set<string>> | undefined = options.empty
    ? Promise.resolve(new Set<string>())
    : undefined;
  const listedKeys = () =>
    (listed ??= b.jsm.streams.info(b.stream, { subjects_filter: b.subjectForKey('>') }).then(
      (i) => new Set(Object.keys(i.state.subjects ?? {}).map((s) => s.slice(b.prefixLen))),
      (err: unknown) => {
        // A bucket created at its first write may not exist yet: it has no keys.
        if (create && isStreamNotFound(err)) return new Set<string>();
        throw err;
      },
    ));
  // The newest entry wins: an acknowledgement or a read may arrive after a later one.
  const learn = (key: string, entry: KvEntry) => {
    const had = known.get(key);
    if (!had || had.revision < entry.revision) known.set(key, entry);
  };
  const view = Object.create(kv) as KV & BucketInternals;
  const put = b._put.bind(view);
  const deleteOrPurge = b._doDeleteOrPurge.bind(view);
  const serverGet = kv.get.bind(view);
  Object.defineProperties(view, {
    _put: {
      value: async (key: string, data: Uint8Array, opts?: unknown, ...rest: unknown[]) => {
        const value = data.slice();
        await ensure();
        const revision = (await put(key, data, expected(opts), ...rest).catch(refused)) - base;
        options.onWrite?.(true);
        learn(key, entryOf(b, key, { value, revision, operation: 'PUT', created: new Date() }));
        return revision;
      },
    },
    _doDeleteOrPurge: {
      value: async (key: string, op: unknown, opts?: unknown) => {
        await ensure();
        await deleteOrPurge(key, op, expected(opts)).catch(refused);
        options.onWrite?.(true);
        known.delete(key);
        unread.add(key);
      },
    },
    get: {
      value: async (key: string, opts?: { revision: number }): Promise<KvEntry | null> => {
        if (opts && opts.revision > 0) {
          const e = await serverGet(key, { revision: opts.revision + base });
          return e && local(e);
        }
        const had = known.get(key);
        if (had) return had;
        if (!unread.has(key) && !(await listedKeys()).has(key)) return known.get(key) ?? null;
        const read = await serverGet(key);
        if (!read) return null;
        const e = local(read);
        unread.delete(key);
        learn(key, e);
        return e;
      },
    },
  });
  for (const op of ['watch', 'keys', 'history', 'status'] as const) {
    const original = (kv[op] as (...a: unknown[]) => Promise<unknown>).bind(view);
    const rebasedOut = base !== 0 && (op === 'watch' || op === 'history');
    Object.defineProperty(view, op, {
      value: async (...args: unknown[]) => {
        if (rebasedOut) {
          throw new BrokerError(
            'INVALID_OPTIONS',
            `bucket ${b.bucket} was emptied after an earlier run: its ${op} would show that run's revisions`,
          );
        }
        await ensure();
        return original(...args);
      },
    });
  }
  mirrors.set(view, async (filter) => {
    const keys = new Set([...(await listedKeys()), ...known.keys(), ...unread]);
    // As the server lists a stream's subjects: sorted, keys whose last write is a delete too.
    return [...keys].filter((k) => subjectMatches(filter, k)).sort();
  });
  return view;
}

const mirrors = new WeakMap<KV, (filter: string) => Promise<string[]>>();

export interface SoleWriterOptions {
  /** The bucket has no keys yet: nothing is listed. Default false. */
  empty?: boolean;
  /** Revisions count from this stream sequence (an emptied bucket). Default 0. */
  revisionBase?: number;
  /** Hears each write: `true` once the server appended it, `false` when it may have (a
   *  failure other than a refused compare-and-set). */
  onWrite?: (appended: boolean) => void;
}

/** The listing of `kv`'s bucket when it is a `soleWriterKv` bucket or a view made from one
 *  (`Object.create(bucket)`, as a gate wrapping some of its methods makes): the view writes to
 *  the same bucket through the same writer. */
function mirrorOf(kv: KV): ((filter: string) => Promise<string[]>) | undefined {
  for (let o: object | null = kv; o !== null; o = Object.getPrototypeOf(o) as object | null) {
    const mirror = mirrors.get(o as KV);
    if (mirror) return mirror;
  }
  return undefined;
}

/** Whether `kv` is a `soleWriterKv` bucket (or a view of one): one writer making one write at
 *  a time, so no two compare-and-sets of it ever race. */
export function isSoleWriterKv(kv: KV): boolean {
  return mirrorOf(kv) !== undefined;
}

/**
 * The keys matching `filter` of a `soleWriterKv` bucket, as a listing of the stream's
 * subjects gives them (sorted; a key whose last write is a delete included), or undefined for
 * any other bucket.
 */
export function soleWriterKeys(kv: KV, filter: string): Promise<string[]> | undefined {
  return mirrorOf(kv)?.(filter);
}

interface Known {
  value: Uint8Array;
  revision: number;
  operation: KvEntry['operation'];
  created: Date;
}

/** What this module reads of nats.js's `Bucket`. */
interface BucketInternals {
  bucket: string;
  stream: string;
  prefixLen: number;
  jsm: {
    streams: {
      info(
        name: string,
        opts: { subjects_filter: string },
      ): Promise<{ state: { subjects?: Record<string, number> } }>;
    };
  };
  subjectForKey(key: string): string;
  _put(key: string, data: Uint8Array, ...rest: unknown[]): Promise<number>;
  _doDeleteOrPurge(key: string, ...rest: unknown[]): Promise<void>;
}

/** The entry of a write, made once and shared by every read of it (as a server read's entry
 *  is): its bytes are the caller's to decode, not to change. */
function entryOf(b: BucketInternals, key: string, k: Known): KvEntry {
  const { value } = k;
  return {
    bucket: b.bucket,
    key,
    rawKey: key,
    value,
    created: k.created,
    revision: k.revision,
    delta: 0,
    operation: k.operation,
    length: value.length,
    json: <T>() => JSON.parse(new TextDecoder().decode(value)) as T,
    string: () => new TextDecoder().decode(value),
  };
}

/** How JetStream refuses a compare-and-set: with the key's actual revision. */
const WRONG_SEQUENCE = /wrong last sequence: (\d+)/;

/** `e` with its revision counted from `base`, as the same write in a new bucket would have. */
function rebased(e: KvEntry, base: number): KvEntry {
  return Object.create(e, { revision: { value: e.revision - base } }) as KvEntry;
}

/** JetStream's answer about a stream that does not exist (error code 10059). */
function isStreamNotFound(err: unknown): boolean {
  return (err as { code?: unknown } | undefined)?.code === 10059;
}

/** NATS subject matching: `*` one token, `>` the rest (one token or more). */
function subjectMatches(filter: string, subject: string): boolean {
  const f = filter.split('.');
  const s = subject.split('.');
  for (let i = 0; i < f.length; i++) {
    if (f[i] === '>') return s.length > i;
    if (i >= s.length || (f[i] !== '*' && f[i] !== s[i])) return false;
  }
  return f.length === s.length;
}
