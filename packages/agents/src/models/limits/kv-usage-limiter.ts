import type { KV } from '@llm-teams/broker';
import type { Clock } from '@llm-teams/runtime';
import { ModelError } from '../model-error.js';
import { parseModelId } from '../model-id.js';
import type { PriceTable } from '../price-table.js';
import type { BudgetExceeded } from '../usage-ledger.js';
import type {
  LimitPermit,
  LimitRequest,
  ModelLimiter,
  RateLimit,
  UsageLimits,
} from './usage-limits.js';
import { casCreate, casUpdate as casUpdateKv } from '../../team-state/kv-cas.js';

/** The team's spending, in the `budget` key: spent, and held by calls in flight. */
interface BudgetState {
  tokens: number;
  usd: number;
  heldTokens: number;
  heldUsd: number;
  /** Set by the first call refused; every later call on any node is refused with it. */
  exceeded?: BudgetExceeded;
}

/** A provider's two token buckets, in the `rate.<provider>` key: what is left, as of `at`. */
interface RateState {
  at: number;
  requests: number;
  tokens: number;
}

export interface KvUsageLimiterOptions {
  /** The team's `limits` bucket. */
  kv: KV;
  limits: UsageLimits;
  /** Real ms per model ms (the run's time scale): rates are per minute of model time. */
  timeScale: number;
  clock: Clock;
  prices: PriceTable;
  /** Called once when the budget is first exceeded, by a call on this node or any other. */
  onBudgetExceeded?: (why: BudgetExceeded) => void;
}

export interface KvUsageLimiter extends ModelLimiter {
  /** The budget's state as last read (for tests and reports). */
  spent(): Promise<{ tokens: number; usd: number; exceeded?: BudgetExceeded }>;
  close(): Promise<void>;
}

const encoder = new TextEncoder();
const decoder = new TextDecoder();
const MINUTE_MS = 60_000;
const BUDGET_KEY = 'budget';

/** A change to a key's state: the state to write, and what the caller learns from it. */
type Change<S, R> = { state: S; result: R } | { result: R; state?: undefined };

/**
 * Applies `change` to a key's JSON state by compare-and-set on its revision, reading again
 * whenever another writer got there first. Nothing is written when `change` returns no state.
 */
async function casUpdate<S, R>(
  kv: KV,
  key: string,
  initial: () => S,
  change: (state: S) => Change<S, R>,
): Promise<R> {
  for (let attempt = 1; ; attempt++) {
    const entry = await kv.get(key);
    const exists = entry !== null && entry.operation === 'PUT';
    const current = exists ? (JSON.parse(decoder.decode(entry.value)) as S) : initial();
    const next = change(current);
    if (next.state === undefined) return next.result;
    const bytes = encoder.encode(JSON.stringify(next.state));
    try {
      if (exists) await casUpdateKv(kv, key, bytes, entry.revision);
      else await casCreate(kv, key, bytes);
      return next.result;
    } catch (error) {
      // Lost the race (the revision moved): read again. Anything else, after a few tries, is
      // the bucket failing, which the caller must hear about.
      const now = await kv.get(key).catch(() => null);
      const moved = (now?.revision ?? 0) !== (exists ? entry.revision : 0);
      if (!moved && attempt >= 5) throw error;
    }
  }
}

function refusal(why: BudgetExceeded, stopping: boolean): ModelError {
  return new ModelError(
    'BUDGET_EXCEEDED',
    stopping ? `${why.reason} (the team is stopping)` : why.reason,
  );
}

/**
 * Team-wide limits in NATS KV, so every node of a team draws on one budget and one rate per
 * provider: the budget and each provider's token buckets are keys of the team's `limits`
 * bucket, changed by compare-and-set on their revision. A call first holds its estimate
 * against the budget (refused if spent + held + estimate would pass it), then waits until its
 * provider's buckets hold one request and its estimated tokens, takes them, and after the call
 * replaces the estimate with what it used. The first refusal is written to the bucket; every
 * node watching it learns the team is over budget.
 */
export function createKvUsageLimiter(options: KvUsageLimiterOptions): KvUsageLimiter {
  const { kv, limits, clock, prices } = options;
  const budget = limits.budget ?? {};
  const hasBudget = budget.tokens !== undefined || budget.usd !== undefined;
  let notified = false;
  const notify = (why: BudgetExceeded) => {
    if (notified) return;
    notified = true;
    options.onBudgetExceeded?.(why);
  };
  const emptyBudget = (): BudgetState => ({ tokens: 0, usd: 0, heldTokens: 0, heldUsd: 0 });

  // Every node learns of the first refusal, wherever it happened.
  let watching: { stop(): void } | undefined;
  let closed = false;
  const watched = !hasBudget
    ? Promise.resolve()
    : kv.watch({ key: BUDGET_KEY }).then(async (updates) => {
        watching = updates;
        if (closed) updates.stop();
        for await (const e of updates) {
          if (e.operation !== 'PUT') continue;
          const state = JSON.parse(decoder.decode(e.value)) as BudgetState;
          if (state.exceeded) notify(state.exceeded);
        }
      });

  async function hold(request: LimitRequest, tokens: number, usd: number): Promise<void> {
    const refused = await casUpdate<BudgetState, ModelError | undefined>(
      kv,
      BUDGET_KEY,
      emptyBudget,
      (s) => {
        if (s.exceeded) return { result: refusal(s.exceeded, true) };
        const committedTokens = s.tokens + s.heldTokens;
        const committedUsd = s.usd + s.heldUsd;
        const over =
          budget.tokens !== undefined && committedTokens + tokens > budget.tokens
            ? {
                kind: 'tokens' as const,
                limit: budget.tokens,
                committed: committedTokens,
                requested: tokens,
              }
            : budget.usd !== undefined && committedUsd + usd > budget.usd
              ? { kind: 'usd' as const, limit: budget.usd, committed: committedUsd, requested: usd }
              : undefined;
        if (over) {
          const unit = over.kind === 'tokens' ? ' tokens' : ' USD';
          const fmt = (n: number) => (over.kind === 'usd' ? n.toFixed(4) : String(Math.round(n)));
          const why: BudgetExceeded = {
            ...over,
            agentId: request.agentId,
            model: request.model,
            reason:
              `Team budget of ${fmt(over.limit)}${unit} exceeded: ${request.agentId}'s call to ${request.model} ` +
              `(estimated ${fmt(over.requested)}${unit}) on top of ${fmt(over.committed)}${unit} spent or in flight across the team`,
          };
          return { state: { ...s, exceeded: why }, result: refusal(why, false) };
        }
        return {
          state: { ...s, heldTokens: s.heldTokens + tokens, heldUsd: s.heldUsd + usd },
          result: undefined,
        };
      },
    );
    if (refused) {
      const entry = await kv.get(BUDGET_KEY);
      const state = entry ? (JSON.parse(decoder.decode(entry.value)) as BudgetState) : undefined;
      if (state?.exceeded) notify(state.exceeded);
      throw refused;
    }
  }

  async function unhold(tokens: number, usd: number, spent?: { tokens: number; usd: number }) {
    await casUpdate<BudgetState, void>(kv, BUDGET_KEY, emptyBudget, (s) => ({
      state: {
        ...s,
        heldTokens: Math.max(0, s.heldTokens - tokens),
        heldUsd: Math.max(0, s.heldUsd - usd),
        tokens: s.tokens + (spent?.tokens ?? 0),
        usd: s.usd + (spent?.usd ?? 0),
      },
      result: undefined,
    }));
  }

  /** Waits until the provider's buckets hold a request and `tokens`, then takes them. */
  async function takeRate(provider: string, rate: RateLimit, tokens: number, signal?: AbortSignal) {
    const scale = options.timeScale;
    // Per minute of model time; with no model time passing (scale 0) nothing ever refills or waits.
    if (!(scale > 0)) return 0;
    const perMs = (perMinute: number) => perMinute / (MINUTE_MS * scale);
    const rpm = rate.requestsPerMinute;
    const tpm = rate.tokensPerMinute;
    const needTokens = tpm === undefined ? 0 : Math.min(tokens, tpm);
    const started = clock.now();
    for (;;) {
      const now = clock.now();
      const waitMs = await casUpdate<RateState, number>(
        kv,
        `rate.${provider}`,
        () => ({ at: now, requests: rpm ?? 0, tokens: tpm ?? 0 }),
        (s) => {
          const elapsed = Math.max(0, now - s.at);
          const requests = rpm === undefined ? 0 : Math.min(rpm, s.requests + elapsed * perMs(rpm));
          const left = tpm === undefined ? 0 : Math.min(tpm, s.tokens + elapsed * perMs(tpm));
          const shortR = rpm === undefined ? 0 : Math.max(0, 1 - requests) / perMs(rpm);
          const shortT = tpm === undefined ? 0 : Math.max(0, needTokens - left) / perMs(tpm);
          const wait = Math.max(shortR, shortT);
          if (wait > 0) return { result: Math.ceil(wait) };
          return {
            state: {
              at: now,
              requests: requests - (rpm === undefined ? 0 : 1),
              tokens: left - needTokens,
            },
            result: 0,
          };
        },
      );
      if (waitMs === 0) return (clock.now() - started) / scale;
      await new Promise<void>((resolve, reject) => {
        if (signal?.aborted)
          return reject(new ModelError('ABORTED', 'aborted while waiting for the rate limit'));
        const onAbort = () => {
          clock.clearTimeout(timer);
          reject(new ModelError('ABORTED', 'aborted while waiting for the rate limit'));
        };
        const timer = clock.setTimeout(() => {
          signal?.removeEventListener('abort', onAbort);
          resolve();
        }, waitMs);
        // An awaited call is work in progress: its wait holds the process open.
        (timer as { ref?: () => void } | undefined)?.ref?.();
        signal?.addEventListener('abort', onAbort, { once: true });
      });
    }
  }

  /** Replaces the estimate taken from the tokens bucket by what the call used. */
  async function correctRate(provider: string, delta: number) {
    if (delta === 0) return;
    await casUpdate<RateState, void>(
      kv,
      `rate.${provider}`,
      () => ({ at: clock.now(), requests: 0, tokens: 0 }),
      (s) => ({ state: { ...s, tokens: s.tokens - delta }, result: undefined }),
    );
  }

  return {
    async admit(request, signal) {
      const tokens = request.inputTokens + request.outputTokens;
      const usd = prices.cost(request.model, request);
      const provider = parseModelId(request.model).provider;
      const rate = limits.rates?.[provider];
      if (hasBudget) await hold(request, tokens, usd);
      let waitedModelMs = 0;
      try {
        if (rate) waitedModelMs = await takeRate(provider, rate, tokens, signal);
      } catch (error) {
        if (hasBudget) await unhold(tokens, usd);
        throw error;
      }
      let open = true;
      const permit: LimitPermit = {
        waitedModelMs,
        async settle(usage) {
          if (!open) return;
          open = false;
          const used = usage.inputTokens + usage.outputTokens;
          if (hasBudget)
            await unhold(tokens, usd, { tokens: used, usd: prices.cost(request.model, usage) });
          if (rate?.tokensPerMinute !== undefined) {
            await correctRate(
              provider,
              Math.min(used, rate.tokensPerMinute) - Math.min(tokens, rate.tokensPerMinute),
            );
          }
        },
        async release() {
          if (!open) return;
          open = false;
          if (hasBudget) await unhold(tokens, usd);
        },
      };
      return permit;
    },
    async spent() {
      const entry = await kv.get(BUDGET_KEY);
      const s = entry ? (JSON.parse(decoder.decode(entry.value)) as BudgetState) : emptyBudget();
      return { tokens: s.tokens, usd: s.usd, ...(s.exceeded ? { exceeded: s.exceeded } : {}) };
    },
    async close() {
      closed = true;
      watching?.stop();
      await watched.catch(() => undefined);
    },
  };
}
