import {
  DiscardPolicy,
  jetstream,
  jetstreamManager,
  RetentionPolicy,
  StorageType,
  type StreamConfig,
} from '@nats-io/jetstream';
import { Kvm, type KV } from '@nats-io/kv';
import type { NatsConnection } from '@nats-io/transport-node';
import { setTimeout as sleep } from 'node:timers/promises';
import { BrokerError } from './errors.js';
import { createTeamSubjects, type TeamSubjects } from './subjects.js';

/** The KV buckets every team gets. */
export const TEAM_BUCKETS = ['board', 'files', 'snapshots', 'leases'] as const;
export type TeamBucket = (typeof TEAM_BUCKETS)[number];

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
  /** Revisions kept per key in each bucket. Default 16 (files keep the history of writes). */
  history?: number;
  /** Keep retrying while JetStream is unavailable (a cluster electing a leader after a node
   *  loss answers with timeouts for a few seconds) for up to this long. Default 30000. */
  timeoutMs?: number;
}

export interface TeamResources {
  readonly subjects: TeamSubjects;
  /** Stream capturing the durable (at-least-once) inboxes; work-queue retention. */
  readonly inboxStream: string;
  /** Stream capturing the dead-letter subject, so rejected messages can be inspected later. */
  readonly dlqStream: string;
  readonly buckets: Record<TeamBucket, string>;
  /** Opens one of the team's buckets. */
  bucket(name: TeamBucket): Promise<KV>;
}

const ms = (n: number) => n * 1_000_000;

/** KV requests give up after this long (the default is 5 s): during a broker failover a
 *  caller retries sooner, against the new leader. */
const KV_TIMEOUT_MS = 3000;

/** Names only; no I/O. */
export function teamResourceNames(options: Pick<TeamResourcesOptions, 'team' | 'prefix'>) {
  const subjects = createTeamSubjects(options);
  const base = `${subjects.prefix}_${subjects.team}`;
  return {
    subjects,
    inboxStream: `${base}_inbox`,
    dlqStream: `${base}_dlq`,
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
  const storage = options.storage === 'memory' ? StorageType.Memory : StorageType.File;
  {
    const jsm = await jetstreamManager(nc);
    const streams: (Partial<StreamConfig> & { name: string })[] = [
      {
        name: names.inboxStream,
        subjects: [names.subjects.durableInboxWildcard],
        retention: RetentionPolicy.Workqueue,
        storage,
        num_replicas: replicas,
        duplicate_window: ms(options.duplicateWindowMs ?? 120_000),
        discard: DiscardPolicy.Old,
      },
      {
        name: names.dlqStream,
        subjects: [names.subjects.dlq],
        retention: RetentionPolicy.Limits,
        storage,
        num_replicas: replicas,
        max_age: ms(options.dlqMaxAgeMs ?? 7 * 24 * 3600 * 1000),
        max_msgs: 1_000_000,
      },
    ];
    for (const config of streams) {
      const name = config.name;
      const exists = await jsm.streams.info(name).then(
        () => true,
        () => false,
      );
      if (exists) await jsm.streams.update(name, config);
      else await jsm.streams.add(config);
    }
    const kvm = new Kvm(jetstream(nc, { timeout: KV_TIMEOUT_MS }));
    for (const bucket of TEAM_BUCKETS) {
      await kvm.create(names.buckets[bucket], {
        history: options.history ?? 16,
        replicas,
        storage,
      });
    }
    return {
      ...names,
      bucket: (name) => kvm.open(names.buckets[name]),
    };
  }
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
  for (;;) {
    // A cluster electing leaders answers JetStream requests with timeouts for a while.
    const ready = await jetstreamManager(nc)
      .then((jsm) => jsm.streams.info(`KV_${names.buckets.board}`))
      .then(
        () => true,
        () => false,
      );
    if (ready) break;
    if (Date.now() > deadline) {
      throw new BrokerError(
        'PROVISION_FAILED',
        `team ${names.subjects.team} has no JetStream resources after ${options.timeoutMs ?? 60_000} ms; start its run first`,
      );
    }
    await sleep(200);
  }
  const kvm = new Kvm(jetstream(nc, { timeout: KV_TIMEOUT_MS }));
  return { ...names, bucket: (name) => kvm.open(names.buckets[name]) };
}
