/**
 * What a run of a suite's team takes (TeamRunOptions) and gives (TeamRunResult), and the run's
 * configuration resolved from the options: members, models and every default, in one place.
 */
import type { FreshTeam, NatsConnection } from '@llm-teams/broker';
import type {
  Clock,
  DeliveryGate,
  HostStats,
  MessageInterceptor,
  SharedStateGate,
  TraceSink,
  ActorHostOptions,
} from '@llm-teams/runtime';
import type { Architecture } from '../agent/agent-prompt.js';
import { DEFAULT_AGENT_LIMITS, type AgentLimits } from '../agent/agent-services.js';
import { AgentsError } from '../agents-error.js';
import {
  checkModelCredentials,
  hasUsageLimits,
  type ModelClientOptions,
  type UsageBudget,
  type UsageLimits,
  type UsageSummary,
} from '../models/index.js';
import type { TestRunner } from '../test-runner/test-runner.js';
import type { TaskSuite } from '../task-spec.js';
import { topologicalOrder } from '../task-dag.js';
import { teamCoordinators, type TeamRunConfig } from './team-members.js';
import type { RunningTeam, TeamRunStatus } from './run-director.js';
import type { JoinProgress } from './team-join.js';

export interface CoordinatorOptions {
  /** Run a standby coordinator that takes over when the leader dies. Default true. */
  standby?: boolean;
  /** Leader lease. Default 1500. */
  leaseMs?: number;
  /** The clock error (ms) the leader lease tolerates: the standby takes over only once the
   *  lease has been expired this long by its own clock. Default 0: the coordinators' clocks
   *  are trusted to agree, and fencing keeps a team safe when they do not (docs/bugs/lease-skew.md). */
  leaseSkewMs?: number;
  /** Launch backup copies of stragglers. Default true. */
  backups?: boolean;
  /** With idle workers and nothing ready, also back up running tasks past half the median
   *  task duration (speculative execution at the tail, as MapReduce). Default false: a
   *  simulated copy replays the task's draws, so it only costs (docs/design-notes.md); turn it
   *  on for real providers. */
  tailBackups?: boolean;
  /** A task is a straggler past this multiple of the median task duration. Default 3. */
  stragglerFactor?: number;
  /** ...and past this many real ms. Default 200. */
  stragglerMinMs?: number;
  /** Attempts per task before it fails for good. Default 3. */
  maxAttempts?: number;
  /** Give out work in model-time order: an idle worker gets a ready task only when no busy
   *  worker could come free before it in model time (it waits, in real time, for their
   *  reports), for simulated runs under compressed time, where reports arrive in the order of
   *  this machine's overheads. Default false here: with real providers model time is real
   *  time, a busy worker that has not reported is not free, and the wait only costs. The lab
   *  turns it on for centralized runs on simulated models (docs/design-notes.md). */
  modelTimeOrder?: boolean;
}

export interface FailureDetectionOptions {
  kind?: 'phi' | 'timeout';
  /** Default 100. */
  heartbeatMs?: number;
  /** Default 1000. */
  timeoutMs?: number;
  /** Default 8. */
  phiThreshold?: number;
}

export interface TeamRunOptions {
  nc: NatsConnection;
  suite: TaskSuite;
  arch: Architecture;
  /** Workers (n). `single` always uses 1. */
  agents: number;
  /** Model id, e.g. `sim:claude-sonnet-4-6`. */
  model: string;
  /** A model per member, for a heterogeneous team: keys are member ids (`a1`, `coord1`) or the
   *  roles `workers` and `coordinators`; a member's id wins over its role; members not named use
   *  `model`. Default: every member uses `model`. */
  models?: Record<string, string>;
  seed: number | string;
  /** Team name (subject token). Default derived from the seed and the time. */
  team?: string;
  prefix?: string;
  /** Compresses simulated model latency: real waits are model time x timeScale. Default 0.01. */
  timeScale?: number;
  /** The run stops after this much real time, whatever its state. Default 600000. */
  deadlineMs?: number;
  trace?: TraceSink;
  /** Node name in the trace. Default `node-<pid>`. */
  node?: string;
  /** The team's budget: enforced on every node of the team (with `usageLimits.budget`, which
   *  takes precedence). Past it the run stops with status `budget`. */
  budget?: UsageBudget;
  /** Team-wide limits — a budget and per-provider rates — kept in the team's `limits` KV
   *  bucket, so processes hosting the team's members share them (docs/limits.md). */
  usageLimits?: UsageLimits;
  /** Passed to every model client (env, baseURL, sim faults, prices...). */
  modelOptions?: Partial<ModelClientOptions>;
  agentLimits?: Partial<AgentLimits>;
  coordinator?: CoordinatorOptions;
  failureDetection?: FailureDetectionOptions;
  /** Verification quorum (centralized teams): every completed task is reviewed by
   *  `reviewers` other agents; a strict majority decides whether it stands or is redone.
   *  Default: off. */
  verify?: {
    reviewers: number;
    /** Votes that decide. Default: a strict majority of `reviewers`. TEST ONLY when lower:
     *  a deliberately weak variant (a decision without a majority: `split-vote`). */
    quorum?: number;
  };
  /** Message-level fault injection / schedule control. */
  interceptor?: MessageInterceptor;
  /** JetStream replicas of the team's streams and buckets. Default: as many as the server's
   *  cluster holds, at most 3 (`clusterReplicas`; 1 on a lone server). */
  replicas?: number;
  /** The team's at-least-once inboxes (`ActorHostOptions.durable`: ack wait, in-progress ack
   *  interval). Default: the host's (30 s ack wait). */
  durable?: ActorHostOptions['durable'];
  clock?: Clock;
  /** A member's own clock (`TeamContext.clockOf`), e.g. skewed per member; undefined for a
   *  member means `clock`. Default: every member reads `clock`. */
  memberClock?: (member: string) => Clock | undefined;
  /** Runs the tasks' tests. Default: node:test in child processes (`createTestRunner`),
   *  closed at the end; a runner passed in stays open (its owner closes it). */
  testRunner?: TestRunner;
  /** Schedule control of deliveries (`ActorHostOptions.deliveryGate`). Default: none. */
  deliveryGate?: DeliveryGate;
  /** Schedule control of shared state: each actor's task-board and workspace operations go
   *  through it, tagged with the actor's id. Default: none. */
  sharedStateGate?: SharedStateGate;
  /** TEST ONLY: shared state without compare-and-set (`unsafeWrites` of the task board and
   *  of the workspace), a deliberately broken protocol for schedule exploration tests.
   *  Default: both safe. */
  unsafeSharedState?: { board?: boolean; files?: boolean };
  /** TEST ONLY, a deliberately broken protocol when false: leader commands and board writes
   *  are not fenced by epoch (the `stale-leader` variant, docs/protocols.md). Default true. */
  fencing?: boolean;
  /** TEST ONLY, a deliberately broken protocol when true: a task counts as ready once its
   *  dependencies are claimed, not done, so its work reads them before they are done (the
   *  `early-read` variant, docs/bugs/early-read.md). Default false. */
  earlyReads?: boolean;
  /** JetStream storage of the team's streams and buckets. Default `file`. */
  storage?: 'file' | 'memory';
  /** A new team's buckets, under a schedule (`TeamResourcesOptions.fresh`): nothing listed,
   *  and the caller told which buckets were created. */
  fresh?: FreshTeam;
  /** Called once the team is up: tests and the chaos tooling act on it. */
  onStarted?: (team: RunningTeam) => void | Promise<void>;
  /** Called once the run's end is decided, before the director marks `run.end` and the team
   *  closes: its actors still record, so what this does is in the trace (the fault controller
   *  heals the broker faults still pending). */
  onEnding?: () => void | Promise<void>;
  /** How long a run with remote members waits for them to join before it starts. Default
   *  60000. */
  joinTimeoutMs?: number;
  /** Hears the join barrier's progress (first with nobody joined, then as members join), so
   *  a command can say how to start the members still missing. */
  onJoinWait?: (progress: JoinProgress & { team: string }) => void;
  /** Envelope signing and the host's inbox subscription (`OpenTeamOptions.hostOptions`). */
  hostOptions?: Pick<ActorHostOptions, 'signing' | 'inboxSubscription' | 'dedupWindow'>;
  /** Claim each local member in the team's board bucket before spawning it (member-claims.ts:
   *  a member is live in one place at a time). Default true, except under schedule control. */
  claims?: boolean;
  /** Members hosted by this process (default: all). The others are expected to join from
   *  `node` processes (`startTeamNode`); they read the run's configuration from KV. */
  localMembers?: string[];
}

export interface TeamRunResult {
  status: TeamRunStatus;
  reason?: string;
  team: string;
  arch: Architecture;
  agents: number;
  model: string;
  seed: string;
  timeScale: number;
  /** Model time from start to the last completion. */
  makespanModelMs: number;
  wallMs: number;
  /** The model of each member whose model is not `model` (heterogeneous teams). */
  models?: Record<string, string>;
  tasks: { id: string; status: string; owner?: string; doneAtModel?: number; claims: number }[];
  usage: UsageSummary;
  hostStats: HostStats;
}

/**
 * The model of each member that does not use the team's `model`, from `TeamRunOptions.models`
 * (member ids beat roles). A key that names no member or role is an error, not ignored.
 */
export function memberModels(
  spec: Record<string, string> | undefined,
  workers: readonly string[],
  coordinators: readonly string[],
  model: string,
): Record<string, string> {
  if (spec === undefined) return {};
  const members = [...workers, ...coordinators];
  for (const key of Object.keys(spec)) {
    if (key !== 'workers' && key !== 'coordinators' && !members.includes(key)) {
      throw new AgentsError(
        'INVALID_TEAM',
        `models names "${key}", which is neither a member (${members.join(', ')}) nor a role (workers, coordinators)`,
      );
    }
  }
  const out: Record<string, string> = {};
  for (const id of members) {
    const role = workers.includes(id) ? spec['workers'] : spec['coordinators'];
    const chosen = spec[id] ?? role ?? model;
    if (chosen !== model) out[id] = chosen;
  }
  return out;
}

/** The team's members from the options (checked, with the suite's task graph): workers,
 *  coordinators, their models, which run here. */
export function teamMembersOf(options: TeamRunOptions) {
  const arch = options.arch;
  const n = arch === 'single' ? 1 : options.agents;
  if (!Number.isInteger(n) || n < 1 || n > 64) {
    throw new AgentsError('INVALID_TEAM', `agents must be an integer 1..64, got ${options.agents}`);
  }
  topologicalOrder(options.suite.tasks);
  const workers = Array.from({ length: n }, (_, i) => `a${i + 1}`);
  const coordinators = teamCoordinators(arch, options.coordinator?.standby !== false);
  const members = [...workers, ...coordinators];
  const models = memberModels(options.models, workers, coordinators, options.model);
  for (const id of new Set([options.model, ...Object.values(models)])) {
    checkModelCredentials(id, options.modelOptions?.env ?? process.env);
  }
  const local = options.localMembers ?? members;
  for (const m of local) {
    if (!members.includes(m)) {
      throw new AgentsError(
        'INVALID_TEAM',
        `local member ${m} is not in the team (${members.join(', ')})`,
      );
    }
  }
  return { n, workers, coordinators, members, models, local };
}

/** The run's configuration (what every process of the team reads), defaults resolved here. */
export function teamRunConfig(
  options: TeamRunOptions,
  team: string,
  members: ReturnType<typeof teamMembersOf>,
  runStartMs: number,
): TeamRunConfig {
  const fd = options.failureDetection;
  const co = options.coordinator;
  const config: TeamRunConfig = {
    team,
    ...(options.prefix ? { prefix: options.prefix } : {}),
    arch: options.arch,
    model: options.model,
    ...(Object.keys(members.models).length > 0 ? { models: members.models } : {}),
    seed: String(options.seed),
    timeScale: options.timeScale ?? 0.01,
    runStartMs,
    suite: options.suite,
    workers: members.workers,
    coordinators: members.coordinators,
    limits: { ...DEFAULT_AGENT_LIMITS, ...options.agentLimits },
    coordinator: {
      leaseMs: co?.leaseMs ?? 1500,
      ...(co?.leaseSkewMs !== undefined ? { leaseSkewMs: co.leaseSkewMs } : {}),
      maxAttempts: co?.maxAttempts ?? 3,
      stragglerFactor: co?.stragglerFactor ?? 3,
      stragglerMinMs: co?.stragglerMinMs ?? 200,
      backups: co?.backups ?? true,
      tailBackups: co?.tailBackups ?? false,
      modelTimeOrder: co?.modelTimeOrder ?? false,
    },
    failureDetection: {
      kind: fd?.kind ?? 'phi',
      heartbeatMs: fd?.heartbeatMs ?? 100,
      timeoutMs: fd?.timeoutMs ?? 1000,
      phiThreshold: fd?.phiThreshold ?? 8,
    },
    verify: options.verify?.reviewers ?? 0,
    ...(options.verify?.quorum !== undefined ? { quorum: options.verify.quorum } : {}),
    ...(options.fencing === false ? { fencing: false } : {}),
    ...(options.earlyReads === true ? { earlyReads: true } : {}),
  };
  const budget = options.usageLimits?.budget ?? options.budget;
  const usageLimits: UsageLimits = {
    ...options.usageLimits,
    ...(budget === undefined ? {} : { budget }),
  };
  if (hasUsageLimits(usageLimits)) config.usageLimits = usageLimits;
  return config;
}
