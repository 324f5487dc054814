/**
 * What a process of a team knows: the run's configuration every process agrees on, and its
 * handle on the team's shared state and services (apart from team-members.ts, so that the
 * members of every architecture can take it without importing each other).
 */
import type { KV, NatsConnection } from '@llm-teams/broker';
import type { ActorHost, Clock, Random } from '@llm-teams/runtime';
import type { Architecture } from '../agent/agent-prompt.js';
import type { AgentLimits } from '../agent/agent-services.js';
import type { ModelClient, ModelClientOptions, UsageLedger, UsageLimits } from '../models/index.js';
import type { TaskBoard } from '../team-state/task-board.js';
import type { TestRunner } from '../test-runner/test-runner.js';
import type { WorkspaceStore } from '../team-state/workspace-store.js';
import type { TaskSpec, TaskSuite } from '../task-spec.js';
import type { CoordinatorServices } from './coordinator-logic.js';

/**
 * What every process of a team agrees on: written once to the team's board bucket
 * (`run.config`) by the process that starts the run, read by every `node` that joins it.
 */
export interface TeamRunConfig {
  team: string;
  prefix?: string;
  arch: Architecture;
  model: string;
  /** Members whose model is not `model` (TeamRunOptions.models, resolved per member). */
  models?: Record<string, string>;
  seed: string;
  timeScale: number;
  /** Wall time the run started: the origin of model time for every process. */
  runStartMs: number;
  suite: TaskSuite;
  workers: string[];
  coordinators: string[];
  limits: AgentLimits;
  /** The coordinators' settings, as every process reads them (meanings in
   *  `CoordinatorServices`). */
  coordinator: Pick<
    CoordinatorServices,
    | 'leaseMs'
    | 'leaseSkewMs'
    | 'maxAttempts'
    | 'stragglerFactor'
    | 'stragglerMinMs'
    | 'backups'
    | 'tailBackups'
    | 'modelTimeOrder'
  >;
  failureDetection: {
    kind: 'phi' | 'timeout';
    heartbeatMs: number;
    timeoutMs: number;
    phiThreshold: number;
  };
  verify: number;
  /** Votes that decide a verification (default: a strict majority of `verify`). */
  quorum?: number;
  /** Team-wide budget and rates, enforced on every node through the `limits` bucket. */
  usageLimits?: UsageLimits;
  /** TEST ONLY when false: leader commands and board writes are not fenced by epoch, the
   *  deliberately broken `stale-leader` variant (docs/protocols.md). Default true. */
  fencing?: boolean;
  /** TEST ONLY when true: dependencies count as ready once claimed (`early-read`). */
  earlyReads?: boolean;
}

/** A process's handle on the team: shared state, local services and its host. */
export interface TeamContext {
  config: TeamRunConfig;
  /** For a team whose members join from elsewhere: the origin of model time, known once every
   *  member joined (`run.started`), which agents pace from instead of `config.runStartMs`. */
  runStarted?: () => Promise<number>;
  nc: NatsConnection;
  host: ActorHost;
  clock: Clock;
  /** Member `actor`'s own clock: what it reads and sets timers on (leases, pacing). Default:
   *  `clock`; different under clock faults per member (a schedule's clock jumps). */
  clockOf(actor: string): Clock;
  random: Random;
  tasks: ReadonlyMap<string, TaskSpec>;
  priority: ReadonlyMap<string, number>;
  boardOf(actor: string): TaskBoard;
  workspaceOf(actor: string): WorkspaceStore;
  leases: KV;
  /** The lease bucket as `actor` uses it (under a schedule, its operations are steps). */
  leasesOf(actor: string): KV;
  /** Whether members get JetStream inboxes for at-least-once messages. False under schedule
   *  control, where every message is a held core delivery and a redelivery is a schedule
   *  fault (docs/schedules.md). */
  durableInboxes: boolean;
  runner: TestRunner;
  ledger: UsageLedger;
  modelOptions: Partial<ModelClientOptions> | undefined;
  /** Spawns through the host, remembering how (for restarts). */
  spawn: ActorHost['spawn'];
  /** What this process opened for its members, closed with the team. */
  models: ModelClient[];
  detectors: { close(): void }[];
}
