import { jetstreamManager, type JetStreamManager } from '@nats-io/jetstream';
import type { KV } from '@nats-io/kv';
import type { NatsConnection } from '@nats-io/transport-node';
import { BrokerError } from './errors.js';
import { soleWriterKv } from './sole-writer-kv.js';
import type { TeamBucket } from './team-buckets.js';
import {
  readsOf,
  teamBucketOptions,
  teamKvm,
  teamResourceNames,
  type BucketSet,
} from './team-resources.js';

export interface BucketPoolOptions {
  /** A name no other pool on the server has: its buckets are `<prefix>_<name>_<n>_<bucket>`. */
  name: string;
  /** Subject prefix, as the teams' (`TeamResourcesOptions.prefix`). Default `llmt`. */
  prefix?: string;
  /** Default `memory`. */
  storage?: 'file' | 'memory';
  /** Revisions kept per key. Default 16, as a team's buckets. */
  history?: number;
}

export interface TakenBucketSet extends BucketSet {
  /** The run is over: its buckets are emptied (in the background) and the set goes back to
   *  the pool; with `reuse: false` (a team that may still write) it is set aside, and its
   *  buckets deleted when the pool closes. */
  release(options?: { reuse?: boolean }): void;
}

/**
 * Buckets kept from one controlled run to the next, on one connection. A run's buckets are
 * new and empty; creating a stream and deleting it again costs the server and this process
 * more than a run's whole scheduled part of some teams (docs/schedules.md, "Throughput"), so a
 * search empties its runs' buckets (a purge) and hands them to its next runs. A purge does not
 * rewind a stream's sequence: the next run counts its revisions from where the last one left
 * off (`soleWriterKv`'s `revisionBase`), so it sees the revisions a new bucket would give, and
 * its trace is the one a run on new buckets records.
 */
export interface BucketPool {
  /** A set no run is using, emptied; a new one when none is free. */
  take(): Promise<TakenBucketSet>;
  /** Waits for the emptying under way and deletes every bucket the pool created. */
  close(): Promise<void>;
}

/** What a set keeps of one bucket between runs. */
interface Kept {
  stream: Promise<KV> | undefined;
  /** The stream's last sequence once emptied: the next run's revision 0. */
  base: number;
  /** Messages the run appended (each write one sequence), unless one may have gone unheard
   *  (undefined: the stream is asked where it stands). */
  appended: number | undefined;
}

/** One set of buckets, named `<prefix>_<pool>_<n>_<bucket>`. */
interface PooledSet {
  names: Record<TeamBucket, string>;
  kept: Map<TeamBucket, Kept>;
}

export async function createBucketPool(
  nc: NatsConnection,
  options: BucketPoolOptions,
): Promise<BucketPool> {
  // Asked once here, not by each run: that the server has JetStream at all.
  // Its sets are named as teams' buckets are: the name must be one a team could have.
  teamResourceNames({ team: options.name, ...prefixOf(options) });
  const jsm = await jetstreamManager(nc);
  const kvm = teamKvm(nc);
  const bucketOptions = teamBucketOptions({
    storage: options.storage ?? 'memory',
    ...(options.history !== undefined ? { history: options.history } : {}),
  });
  const free: Promise<PooledSet | undefined>[] = [];
  const sets: PooledSet[] = [];
  const emptying = new Set<Promise<unknown>>();
  let closed = false;

  const takenSet = (set: PooledSet): TakenBucketSet => {
    const written = new Set<TeamBucket>();
    const keptOf = (name: TeamBucket) => {
      let k = set.kept.get(name);
      if (!k) set.kept.set(name, (k = { stream: undefined, base: 0, appended: 0 }));
      return k;
    };
    return {
      holds: (name) => name !== 'limits',
      async bucket(name) {
        const k = keptOf(name);
        const bucketName = set.names[name];
        const create = () => {
          written.add(name);
          return (k.stream ??= kvm.create(bucketName, bucketOptions).catch((err: unknown) => {
            k.stream = undefined;
            throw err;
          }));
        };
        const kv = await kvm.open(bucketName, readsOf(1));
        k.appended = 0;
        return soleWriterKv(kv, create, {
          empty: true,
          revisionBase: k.base,
          onWrite: (appended) => {
            if (k.appended !== undefined) k.appended = appended ? k.appended + 1 : undefined;
          },
        });
      },
      release({ reuse = true } = {}) {
        if (!reuse) return;
        const done = emptied(jsm, set.kept, written).then(
          () => set,
          // A set that could not be emptied is not used again; close() deletes its buckets.
          () => undefined,
        );
        emptying.add(done);
        void done.finally(() => emptying.delete(done));
        free.push(done);
      },
    };
  };

  return {
    async take() {
      if (closed) throw new BrokerError('INVALID_OPTIONS', `bucket pool ${options.name} is closed`);
      let set: PooledSet | undefined;
      while (!set && free.length > 0) set = await free.pop();
      if (!set) {
        // Named as a team's buckets, the set's number after the pool's name.
        const { buckets } = teamResourceNames({
          team: `${options.name}_${sets.length}`,
          ...prefixOf(options),
        });
        set = { names: buckets, kept: new Map() };
        sets.push(set);
      }
      return takenSet(set);
    },
    async close() {
      closed = true;
      await Promise.all(emptying);
      const streams = sets.flatMap((s) => [...s.kept.values()].flatMap((k) => k.stream ?? []));
      await Promise.all(
        streams.map(async (stream) => {
          const kv = await stream.catch(() => undefined);
          if (kv) await jsm.streams.delete(streamOf(kv)).catch(() => false);
        }),
      );
    },
  };
}

/** Purges the buckets a run wrote and notes where each stream's sequence stands: counted from
 *  the run's writes, or asked when one of them may have gone unheard. */
async function emptied(
  jsm: JetStreamManager,
  kept: Map<TeamBucket, Kept>,
  written: ReadonlySet<TeamBucket>,
): Promise<void> {
  await Promise.all(
    [...written].map(async (name) => {
      const k = kept.get(name)!;
      const stream = streamOf(await k.stream!);
      await jsm.streams.purge(stream);
      // A purge leaves the sequence where the run's last write took it.
      k.base =
        k.appended !== undefined
          ? k.base + k.appended
          : (await jsm.streams.info(stream)).state.last_seq;
    }),
  );
}

function streamOf(kv: KV): string {
  return (kv as unknown as { stream: string }).stream;
}

function prefixOf(options: { prefix?: string }) {
  return options.prefix !== undefined ? { prefix: options.prefix } : {};
}
