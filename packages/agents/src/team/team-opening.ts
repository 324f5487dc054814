/**
 * What every kind of team (the built-in ones and defined ones) opens in each of its processes
 * the same way: the team's JetStream resources, the process's actor host, and its usage
 * ledger with the team-wide limiter.
 */
import {
  clusterReplicas,
  openTeamResources,
  provisionTeam,
  type FreshTeam,
  type KV,
  type NatsConnection,
  type TeamResources,
} from '@llm-teams/broker';
import {
  createActorHost,
  createIdGenerator,
  createKvSnapshotStore,
  createRandom,
  type ActorHost,
  type ActorHostOptions,
  type Clock,
  type DeliveryGate,
  type IdGenerator,
  type MessageInterceptor,
  type SharedStateGate,
  type TraceSink,
} from '@llm-teams/runtime';
import {
  createKvUsageLimiter,
  createUsageLedger,
  hasUsageLimits,
  type UsageBudget,
  type UsageLimits,
} from '../models/index.js';
import { TEAM_SUPERVISION } from './team-members.js';

/** What opening a team's shared parts takes: the options both kinds of team have. */
export interface TeamOpeningOptions {
  nc: NatsConnection;
  /** The run's configuration, as every process of the team reads it. */
  config: {
    team: string;
    prefix?: string;
    seed: string;
    timeScale: number;
    usageLimits?: UsageLimits;
  };
  clock: Clock;
  /** Join resources another process provisioned, changing nothing (nodes). Default false. */
  join?: boolean | undefined;
  /** How long joining waits for the team's resources. Default 60000. */
  timeoutMs?: number | undefined;
  replicas?: number | undefined;
  storage?: 'file' | 'memory' | undefined;
  /** A new team's buckets, under a schedule (`TeamResourcesOptions.fresh`): nothing listed,
   *  and the caller told which buckets were created. */
  fresh?: FreshTeam | undefined;
  node?: string | undefined;
  /** The members this process hosts, when others host the rest. Envelope ids are drawn from
   *  the run's seed; processes of one team must not draw the same ones (JetStream would drop
   *  one process's message as a duplicate of another's), so each forks its id source by the
   *  members it hosts — disjoint across processes and the same in every rerun. Default: the
   *  seed alone (every member in this process). */
  idScope?: readonly string[] | undefined;
  trace?: TraceSink | undefined;
  interceptor?: MessageInterceptor | undefined;
  durable?: ActorHostOptions['durable'] | undefined;
  deliveryGate?: DeliveryGate | undefined;
  sharedStateGate?: SharedStateGate | undefined;
  budget?: UsageBudget | undefined;
  /** Envelope signing and how the host subscribes (per actor under member credentials that
   *  may not read the team's inbox wildcard; docs/security.md). Default: neither. */
  hostOptions?: Pick<ActorHostOptions, 'signing' | 'inboxSubscription' | 'dedupWindow'> | undefined;
}

/** The team's JetStream resources: joined (nodes), or provisioned (created if missing). */
export async function openTeamParts(options: TeamOpeningOptions): Promise<TeamResources> {
  const { config } = options;
  const prefix = config.prefix ? { prefix: config.prefix } : {};
  if (options.join) {
    return openTeamResources(options.nc, {
      team: config.team,
      ...prefix,
      ...(options.timeoutMs ? { timeoutMs: options.timeoutMs } : {}),
    });
  }
  return provisionTeam(options.nc, {
    team: config.team,
    ...prefix,
    // Default: as many as the cluster holds, at most 3 (1 on a lone server).
    replicas: options.replicas ?? (await clusterReplicas(options.nc)),
    ...(options.storage ? { storage: options.storage } : {}),
    // Under a schedule the team runs in this process alone, one step at a time: its
    // buckets are read from what it wrote, and made when first written; its messages are
    // held core deliveries and its trace is in memory (docs/schedules.md, throughput).
    soleWriter: options.sharedStateGate !== undefined,
    ...(options.fresh ? { fresh: options.fresh } : {}),
    messageStreams: options.deliveryGate === undefined,
  });
}

/**
 * This process's actor host for the team: its ids, trace, supervision, and `delivery`
 * unless a schedule gates the run: then every message is a core delivery the gate holds
 * (JetStream's persistence and redelivery are not scheduled; a redelivery is a schedule
 * fault), so members get no durable inboxes either.
 */
export async function openTeamHost(
  options: TeamOpeningOptions,
  resources: TeamResources,
  delivery: ActorHostOptions['delivery'],
): Promise<ActorHost> {
  const { config } = options;
  return createActorHost({
    nc: options.nc,
    team: config.team,
    ...(config.prefix ? { prefix: config.prefix } : {}),
    ...(options.node ? { node: options.node } : {}),
    clock: options.clock,
    seed: config.seed,
    ...scopedIds(config.seed, options.idScope),
    ...(options.trace ? { trace: options.trace } : {}),
    delivery: options.deliveryGate ? {} : delivery,
    snapshots: createKvSnapshotStore(await resources.bucket('snapshots')),
    ...(options.interceptor ? { interceptor: options.interceptor } : {}),
    ...(options.durable ? { durable: options.durable } : {}),
    ...(options.deliveryGate ? { deliveryGate: options.deliveryGate } : {}),
    supervision: TEAM_SUPERVISION,
    ...options.hostOptions,
  });
}

/** The process's usage ledger, and the team's limiter when the run has team-wide limits:
 *  kept in the team's `limits` bucket, shared by every process of the team, so a budget
 *  passed on any node stops the team (the ledger's listeners hear of it). */
export async function openTeamUsage(options: TeamOpeningOptions, limitsBucket: () => Promise<KV>) {
  const limits = options.config.usageLimits;
  const budget = limits?.budget ?? options.budget;
  const ledger = createUsageLedger({
    ...(budget ? { budget } : {}),
    ...(limits?.budget ? { budgetKeptBy: 'team' as const } : {}),
  });
  const limiter = hasUsageLimits(limits)
    ? createKvUsageLimiter({
        kv: await limitsBucket(),
        limits,
        timeScale: options.config.timeScale,
        clock: options.clock,
        prices: ledger.prices,
        onBudgetExceeded: (why) => ledger.noteBudgetExceeded(why),
      })
    : undefined;
  return { ledger, limiter };
}

/**
 * The host's id generator when it hosts only some members (`idScope`): drawn from the seed
 * forked by those members, so processes of one team never draw the same ids. Nothing when it
 * hosts the whole team (the host's default generator).
 */
export function scopedIds(
  seed: string,
  idScope: readonly string[] | undefined,
): { ids?: IdGenerator } {
  if (!idScope) return {};
  const random = createRandom(seed).fork(`ids:${[...idScope].sort().join(',')}`);
  return { ids: createIdGenerator({ random }) };
}
