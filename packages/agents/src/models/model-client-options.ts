import {
  compileRetryPolicy,
  type Clock,
  type CompiledRetryPolicy,
  type RetryPolicy,
} from '@llm-teams/runtime';
import type { AttemptReport } from './model-types.js';
import type { ModelPrice } from './price-table.js';
import type { SimOptions } from './sim/sim-options.js';
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
  /** Every attempt, as it ends (the agent layer traces these as `llm` events). */
  onAttempt?: (report: AttemptReport) => void;
  /** Accounting and budget; usage is committed here. Default: none (cost still computed). */
  ledger?: UsageLedger;
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
  sim?: SimOptions;
  /** What a call's seeded draws (latency, tokens, mistakes) are keyed by. `agent` (default):
   *  the agent and its call counter. `task`: the task and the turn within it
   *  (`metadata.turn`), so a task costs the same whichever agent does it — runs that differ
   *  only in team size or schedule then compare the same work. Calls without a task fall back
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
