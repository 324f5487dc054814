import {
  compileRetryPolicy,
  type Clock,
  type CompiledRetryPolicy,
  type RetryPolicy,
} from '@llm-teams/runtime';
import type { AttemptContent, AttemptReport } from './model-types.js';
import type { CassetteRecorder } from './replay/cassette-recorder.js';
import type { ModelPrice } from './price-table.js';
import type { SimCallInfo, SimFault, SimOptions } from './sim/sim-options.js';
import type { ModelLimiter } from './limits/usage-limits.js';
import type { UsageLedger } from './usage-ledger.js';

/** Options every client takes (`createModelClient`). Real providers ignore `sim`. */
export interface ModelClientOptions {
  /** Where keys come from. Default `process.env`. */
  env?: Record<string, string | undefined>;
  /** Seeds retry jitter and everything a simulated model draws. Default `'llm-teams'`. */
  seed?: number | string;
  /** Default `systemClock`. Timeouts, retry waits and simulated latency run on it. */
  clock?: Clock;
  /** Per-attempt timeout, model time. Default 120_000. */
  timeoutMs?: number;
  /** Retries of a call (a Retry-After from the server replaces the computed wait). Defaults:
   *  `maxAttempts` 5, `initialDelayMs` 1000 doubling to `maxDelayMs` 30_000, `jitter` 0.2,
   *  `budgetMs` Infinity (model time of the call: attempts and waits). */
  retry?: RetryPolicy;
  /** A Retry-After longer than this ends the call (RATE_LIMITED) instead of waiting.
   *  Default 120_000. */
  maxRetryAfterMs?: number;
  /** Reply cap when a request names none; also the output side of a budget estimate.
   *  Default 4096. */
  defaultMaxOutputTokens?: number;
  /** Every attempt, as it ends (the agent layer traces these as `llm` events), with what it
   *  was asked and answered (references; for telemetry's content capture, never stored). */
  onAttempt?: (report: AttemptReport, content?: AttemptContent) => void;
  /** Accounting and budget; usage is committed here. Default: none (cost still computed). */
  ledger?: UsageLedger;
  /** Team-wide limits (rates per provider, a budget across nodes), asked before each call:
   *  `createKvUsageLimiter`. Default: none. */
  limiter?: ModelLimiter;
  /** Price overrides when no ledger is given (a ledger brings its own). */
  prices?: Record<string, ModelPrice>;
  /** The team the calls are accounted to. Default `'default'`. */
  team?: string;
  /** Compresses model time for simulated and replayed models: real waits are
   *  `modelMs * timeScale`, responses still report model time. 0 waits not at all.
   *  Default 1 for `sim:`, 0 for `replay:`; real providers ignore it. */
  timeScale?: number;
  /** Base URL override for anthropic / openai / google (a proxy or a test server). */
  baseURL?: string;
  /** Record every exchange to this cassette (JSON Lines) for `replay:<file>`. */
  recordTo?: string;
  /** Record to a recorder shared by several clients (a team's agents, one cassette); takes
   *  the place of `recordTo`. */
  recorder?: CassetteRecorder;
  sim?: SimOptions;
  /** Model faults for any provider (docs/faults.md, Model faults): asked once per attempt, the
   *  fault to inject. A simulated model applies them itself (as `sim.faults`, which wins when
   *  both are given); a real provider's backend is wrapped (`withModelFaults`). Recorded
   *  (`replay:`) models ignore them. Default: none. */
  faults?: (call: SimCallInfo) => SimFault | undefined;
  /** What a call's seeded draws (latency, tokens, mistakes) are keyed by. `agent` (default):
   *  the agent and its call counter. `task`: the task and the turn within it
   *  (`metadata.turn`), so a task costs the same whichever agent does it — runs that differ
   *  only in team size or schedule then compare the same work; a call's `metadata.drawKey`
   *  (a review's reviewer and vote) keeps its draws its own. Calls without a task fall back
   *  to `agent`. */
  randomKey?: 'agent' | 'task';
}

export interface ResolvedClientOptions {
  clock: Clock;
  seed: string;
  timeoutMs: number;
  retry: CompiledRetryPolicy;
  maxRetryAfterMs: number;
  defaultMaxOutputTokens: number;
  team: string;
  randomKey: 'agent' | 'task';
}

export function resolveClientOptions(
  options: ModelClientOptions,
  defaults: { clock: Clock },
): ResolvedClientOptions {
  return {
    clock: options.clock ?? defaults.clock,
    seed: String(options.seed ?? 'llm-teams'),
    timeoutMs: options.timeoutMs ?? 120_000,
    retry: compileRetryPolicy(
      options.retry,
      { maxAttempts: 5, initialDelayMs: 1000, maxDelayMs: 30_000 },
      'retry',
    ),
    maxRetryAfterMs: options.maxRetryAfterMs ?? 120_000,
    defaultMaxOutputTokens: options.defaultMaxOutputTokens ?? 4096,
    team: options.team ?? 'default',
    randomKey: options.randomKey ?? 'agent',
  };
}
