/**
 * System time: retries against a real server are bounded in real time; the broker sits below the
 * runtime's `Clock`.
 */
import {
  DiscardPolicy,
  jetstream,
  jetstreamManager,
  RetentionPolicy,
  StorageType,
  type JetStreamManager,
  type StreamConfig,
} from '@nats-io/jetstream';
import { Kvm, type KV } from '@nats-io/kv';
import type { NatsConnection } from '@nats-io/transport-node';
import { randomBytes } from 'node:crypto';
import { setTimeout as sleep } from 'node:timers/promises';
import { BrokerError } from './errors.js';
import { soleWriterKv } from './sole-writer-kv.js';
import { createTeamSubjects, type TeamSubjects } from './subjects.js';
import { TEAM_BUCKETS, type TeamBucket } from './team-buckets.js';

export interface TeamResourcesOptions {
  team: string;
  /** Subject prefix. Default `llmt`. */
  prefix?: string;
  /** JetStream replicas for streams and buckets. Default 1; use 3 on a 3-node cluster. */
  replicas?: number;
  /** Default `file`: at-least-once messages survive a server restart. */
  storage?: 'file' | 'memory';
  /** Window in which JetStream drops a re-published `Nats-Msg-Id`. Default 120000. */
  duplicateWindowMs?: number;
  /** How long dead letters are kept. Default 7 days. */
  dlqMaxAgeMs?: number;
  /** Dead letters kept at most (the oldest go first). Default 100000. */
  dlqMaxMsgs?: number;
  /** Bytes of dead letters kept at most. Default: none (JetStream reserves a stream's
   *  max_bytes in the server's store up front, which many teams on one server cannot afford;
   *  the count bounds it to dlqMaxMsgs x max_payload). */
  dlqMaxBytes?: number;
  /** Undelivered at-least-once messages kept per actor's durable inbox at most (the oldest
   *  go first): a flood on the inbox of an actor nobody runs cannot fill the broker.
   *  Default 100000. */
  inboxMaxMsgsPerActor?: number;
  /** Bytes of the whole inbox stream at most (the oldest go first). Default: none (see
   *  dlqMaxBytes: the per-actor count bounds it). */
  inboxMaxBytes?: number;
  /** The trace stream keeps at most this many chunks (oldest dropped first), each at most
   *  1 MiB. Default 100000. Not a byte limit: JetStream reserves a stream's `max_bytes` from
   *  the server's store up front, so a byte cap per team would cap how many teams fit. */
  traceMaxChunks?: number;
  /** ...and each trace chunk at most this long. Default 7 days. */
  traceMaxAgeMs?: number;
  /** Revisions kept per key in each bucket. Default 16 (files keep the history of writes). */
  history?: number;
  /** This process makes every write of the team's buckets (a controlled run: one process,
   *  one step at a time): `bucket()` gives one handle per bucket, read from what this process
   *  wrote and read before (`soleWriterKv`), and a bucket is created at its first write (one
   *  never written has no entry to read either). Default false. */
  soleWriter?: boolean;
  /** With `soleWriter`: the team is new on the server (named as no run before it, as every
   *  controlled run is), so each bucket starts empty and no read lists the server's keys (a
   *  stream-info request per bucket); `onCreated` hears each bucket as it is created, so a
   *  caller deletes only those afterwards. Ignored without `soleWriter`. */
  fresh?: FreshTeam;
  /** Create the inbox, dead-letter and trace streams. A controlled run uses none of them:
   *  its messages are core deliveries, its trace is kept in memory, and what a dead letter
   *  would record is in the trace (`reject`). Default true. */
  messageStreams?: boolean;
  /** Keep retrying while JetStream is unavailable (a cluster electing a leader after a node
   *  loss answers with timeouts for a few seconds) for up to this long. Default 30000. */
  timeoutMs?: number;
}

/**
 * The buckets of one controlled run, from a pool (`createBucketPool`, `BucketPool.take`): each
 * starts empty, is written by this process alone (`soleWriterKv`), and numbers its revisions
 * from 1.
 */
export interface BucketSet {
  /** Whether this set holds `name`. Not `limits`: the usage limiter watches it, and a watch of
   *  an emptied bucket would show an earlier run's revisions. */
  holds(name: TeamBucket): boolean;
  /** The run's handle on bucket `name`, created at its first write if no run made it yet. */
  bucket(name: TeamBucket): Promise<KV>;
}

/** A new team's buckets (`TeamResourcesOptions.fresh`). */
export interface FreshTeam {
  /** Hears each bucket named after the team as it is created. */
  onCreated?: (bucket: TeamBucket) => void;
  /** Buckets an earlier run left emptied, for those the set holds (`createBucketPool`),
   *  instead of buckets named after the team. */
  buckets?: BucketSet;
}

export interface TeamResources {
  readonly subjects: TeamSubjects;
  /** Stream capturing the durable (at-least-once) inboxes; work-queue retention. */
  readonly inboxStream: string;
  /** Stream capturing the dead-letter subject, so rejected messages can be inspected later. */
  readonly dlqStream: string;
  /** Stream capturing the trace subject: every host's trace chunks, bounded (limits). */
  readonly traceStream: string;
  readonly buckets: Record<TeamBucket, string>;
  /** Opens one of the team's buckets. */
  bucket(name: TeamBucket): Promise<KV>;
}

const ms = (n: number) => n * 1_000_000;

/** KV requests give up after this long (the default is 5 s): during a broker failover a
 *  caller retries sooner, against the new leader. */
const KV_TIMEOUT_MS = 3000;

/** JetStream's answer to adding a stream whose name is taken by another configuration. */
function isInUse(err: unknown): boolean {
  return err instanceof Error && /already in use/.test(err.message);
}

/**
 * How a team's buckets are read. With one replica, a read is a direct get: the server answers
 * with the stored message as it is, where the stream API wraps it in JSON and base64 (a third
 * of the server's CPU per controlled schedule, most of whose requests are reads). Replicated
 * buckets keep the stream API, which only the leader answers: a follower may answer a direct
 * get before it has the last write, and compare-and-set callers read to learn the revision.
 */
export function readsOf(replicas: number): { allow_direct: boolean } {
  return { allow_direct: replicas === 1 };
}

/** Names only; no I/O. */
export function teamResourceNames(options: Pick<TeamResourcesOptions, 'team' | 'prefix'>) {
  const subjects = createTeamSubjects(options);
  const base = `${subjects.prefix}_${subjects.team}`;
  return {
    subjects,
    inboxStream: `${base}_inbox`,
    dlqStream: `${base}_dlq`,
    traceStream: `${base}_trace`,
    buckets: Object.fromEntries(TEAM_BUCKETS.map((b) => [b, `${base}_${b}`])) as Record<
      TeamBucket,
      string
    >,
  };
}

/**
 * Creates, or brings up to date, a team's streams and KV buckets. Idempotent: running it
 * again (from any number of processes) leaves one set of resources.
 */
export async function provisionTeam(
  nc: NatsConnection,
  options: TeamResourcesOptions,
): Promise<TeamResources> {
  const names = teamResourceNames(options);
  const deadline = Date.now() + (options.timeoutMs ?? 30_000);
  for (let delay = 100; ; delay = Math.min(delay * 2, 2000)) {
    try {
      return await provisionOnce(nc, options, names);
    } catch (err) {
      if (Date.now() + delay > deadline) {
        throw new BrokerError(
          'PROVISION_FAILED',
          `could not provision JetStream resources of team ${names.subjects.team}: ${(err as Error).message}`,
          { cause: err },
        );
      }
      await sleep(delay);
    }
  }
}

async function provisionOnce(
  nc: NatsConnection,
  options: TeamResourcesOptions,
  names: ReturnType<typeof teamResourceNames>,
): Promise<TeamResources> {
  const replicas = options.replicas ?? 1;
  const pooled = options.soleWriter ? options.fresh?.buckets : undefined;
  const messageStreams = options.messageStreams !== false;
  // A pool asked once whether JetStream answers (createBucketPool); otherwise the manager asks.
  if (messageStreams || !pooled) {
    const jsm = await jetstreamManager(nc);
    if (messageStreams) await addMessageStreams(jsm, options, names);
  }
  // The manager above (or the pool) checked that JetStream answers; the buckets need not ask again.
  const kvm = teamKvm(nc);
  const bucketOptions = teamBucketOptions(options);
  if (!options.soleWriter) {
    for (const bucket of TEAM_BUCKETS) await kvm.create(names.buckets[bucket], bucketOptions);
    return { ...names, bucket: (name) => kvm.open(names.buckets[name], readsOf(replicas)) };
  }
  // One handle per bucket: what one handle writes, every other must read.
  const opened = new Map<TeamBucket, Promise<KV>>();
  const open = (name: TeamBucket) => {
    if (pooled?.holds(name)) return pooled.bucket(name);
    const create = () => {
      options.fresh?.onCreated?.(name);
      return kvm.create(names.buckets[name], bucketOptions);
    };
    const empty = options.fresh !== undefined;
    return kvm
      .open(names.buckets[name], readsOf(replicas))
      .then((b) => soleWriterKv(b, create, { empty }));
  };
  const bucket = (name: TeamBucket) => {
    let kv = opened.get(name);
    if (!kv) opened.set(name, (kv = open(name)));
    return kv;
  };
  return { ...names, bucket };
}

/** The KV manager a team's buckets are made and opened with, once JetStream is known to
 *  answer (no API check of its own). */
export function teamKvm(nc: NatsConnection): Kvm {
  return new Kvm(jetstream(nc, { timeout: KV_TIMEOUT_MS, checkAPI: false }));
}

/** How a team's bucket is created: its history (default 16), replicas (1) and storage. */
export function teamBucketOptions(
  options: Pick<TeamResourcesOptions, 'history' | 'replicas' | 'storage'>,
) {
  return {
    history: options.history ?? 16,
    replicas: options.replicas ?? 1,
    storage: storageOf(options),
  };
}

function storageOf(options: Pick<TeamResourcesOptions, 'storage'>): StorageType {
  return options.storage === 'memory' ? StorageType.Memory : StorageType.File;
}

/** The team's inbox, dead-letter and trace streams: added, or updated where they exist. */
async function addMessageStreams(
  jsm: JetStreamManager,
  options: TeamResourcesOptions,
  names: ReturnType<typeof teamResourceNames>,
): Promise<void> {
  const replicas = options.replicas ?? 1;
  const storage = storageOf(options);
  const streams: (Partial<StreamConfig> & { name: string })[] = [
    {
      name: names.inboxStream,
      subjects: [names.subjects.durableInboxWildcard],
      retention: RetentionPolicy.Workqueue,
      storage,
      num_replicas: replicas,
      duplicate_window: ms(options.duplicateWindowMs ?? 120_000),
      discard: DiscardPolicy.Old,
      max_msgs_per_subject: options.inboxMaxMsgsPerActor ?? 100_000,
      ...(options.inboxMaxBytes ? { max_bytes: options.inboxMaxBytes } : {}),
    },
    {
      name: names.dlqStream,
      subjects: [names.subjects.dlq],
      retention: RetentionPolicy.Limits,
      storage,
      num_replicas: replicas,
      max_age: ms(options.dlqMaxAgeMs ?? 7 * 24 * 3600 * 1000),
      max_msgs: options.dlqMaxMsgs ?? 100_000,
      ...(options.dlqMaxBytes ? { max_bytes: options.dlqMaxBytes } : {}),
      discard: DiscardPolicy.Old,
    },
    {
      name: names.traceStream,
      subjects: [names.subjects.trace],
      retention: RetentionPolicy.Limits,
      storage,
      num_replicas: replicas,
      max_msgs: options.traceMaxChunks ?? 100_000,
      max_msg_size: 1024 * 1024,
      max_age: ms(options.traceMaxAgeMs ?? 7 * 24 * 3600 * 1000),
      discard: DiscardPolicy.Old,
      duplicate_window: ms(options.duplicateWindowMs ?? 120_000),
    },
  ];
  for (const config of streams) {
    // Most teams are new: add first (one request), update what exists with another config.
    await jsm.streams.add(config).catch(async (err: unknown) => {
      if (!isInUse(err)) throw err;
      await jsm.streams.update(config.name, config);
    });
  }
}

/**
 * How many JetStream replicas the server's cluster can hold, at most `max` (default 3): 1 on
 * a server outside a cluster (no request made); in a cluster, the largest replica count of
 * `max`, `max - 1`, ... for which a throwaway stream can be created (a cluster with a server
 * down, or JetStream off on some servers, holds fewer). The count the server's own JetStream
 * placement accepts, rather than a count of the URLs it gossips (one per interface and port).
 */
export async function clusterReplicas(nc: NatsConnection, max = 3): Promise<number> {
  if (!nc.info?.cluster || max <= 1) return 1;
  const jsm = await jetstreamManager(nc);
  for (let replicas = max; replicas > 1; replicas--) {
    const name = `llmt_replicas_probe_${randomBytes(6).toString('hex')}`;
    try {
      await jsm.streams.add({
        name,
        subjects: [`_llmt.replicas.probe.${name}`],
        storage: StorageType.Memory,
        num_replicas: replicas,
        max_msgs: 1,
      });
    } catch {
      continue;
    }
    await jsm.streams.delete(name).catch(() => false);
    return replicas;
  }
  return 1;
}

/**
 * Opens a team whose resources someone else provisioned (a process joining a running team, or
 * one whose credentials may not create streams): waits until the team's board bucket exists,
 * and changes nothing. Default wait 60000 ms.
 */
export async function openTeamResources(
  nc: NatsConnection,
  options: Pick<TeamResourcesOptions, 'team' | 'prefix'> & { timeoutMs?: number },
): Promise<TeamResources> {
  const names = teamResourceNames(options);
  const deadline = Date.now() + (options.timeoutMs ?? 60_000);
  let replicas: number;
  for (;;) {
    // A cluster electing leaders answers JetStream requests with timeouts for a while.
    const board = await jetstreamManager(nc)
      .then((jsm) => jsm.streams.info(`KV_${names.buckets.board}`))
      .then(
        (info) => info,
        () => undefined,
      );
    if (board) {
      replicas = board.config.num_replicas;
      break;
    }
    if (Date.now() > deadline) {
      throw new BrokerError(
        'PROVISION_FAILED',
        `team ${names.subjects.team} has no JetStream resources after ${options.timeoutMs ?? 60_000} ms; start its run first`,
      );
    }
    await sleep(200);
  }
  const kvm = new Kvm(jetstream(nc, { timeout: KV_TIMEOUT_MS }));
  return { ...names, bucket: (name) => kvm.open(names.buckets[name], readsOf(replicas)) };
}
