import { ModelError } from './model-error.js';
import type { ModelUsage } from './model-types.js';
import { createPriceTable, type ModelPrice, type PriceTable } from './price-table.js';

/** A run's spending limit. Tokens count input (cached included) plus output. */
export interface UsageBudget {
  tokens?: number;
  usd?: number;
}

export interface UsageTotals {
  calls: number;
  attempts: number;
  inputTokens: number;
  outputTokens: number;
  cachedTokens: number;
  costUsd: number;
  /** Model time spent in calls. */
  latencyMs: number;
}

export interface CallUsageRecord {
  model: string;
  team: string;
  agentId: string;
  taskId?: string;
  callIndex: number;
  usage: ModelUsage;
  costUsd: number;
  latencyMs: number;
  attempts: number;
}

/** Why a run stopped on its budget: what the result reports. */
export interface BudgetExceeded {
  kind: 'tokens' | 'usd';
  limit: number;
  /** Spent plus in flight when the call was refused. */
  committed: number;
  /** The refused call's estimate. */
  requested: number;
  agentId: string;
  model: string;
  reason: string;
}

export interface UsageSummary {
  run: UsageTotals;
  teams: Record<string, { totals: UsageTotals; agents: Record<string, UsageTotals> }>;
  models: Record<string, UsageTotals>;
  budget?: UsageBudget;
  budgetExceeded?: BudgetExceeded;
}

export interface UsageEstimate {
  model: string;
  team: string;
  agentId: string;
  inputTokens: number;
  outputTokens: number;
}

/** Holds an estimate against the budget while a call is in flight. */
export interface UsageReservation {
  /** Replaces the estimate with what the call used; returns its cost. */
  commit(record: Omit<CallUsageRecord, 'costUsd'>): number;
  /** Drops the estimate (the call failed; failed attempts are not billed by providers). */
  release(): void;
}

export interface UsageLedger {
  readonly prices: PriceTable;
  readonly budget: UsageBudget | undefined;
  /** Set once a call has been refused; every later call is refused too, so the team stops. */
  readonly exceeded: BudgetExceeded | undefined;
  /** Refuses (ModelError `BUDGET_EXCEEDED`) the call that would take spent + in-flight +
   *  this estimate past the budget. */
  reserve(estimate: UsageEstimate): UsageReservation;
  /** Called once, when the budget first refuses a call: where a team learns to stop. */
  onBudgetExceeded(listener: (why: BudgetExceeded) => void): () => void;
  /** A budget kept elsewhere (the team's, in KV: `createKvUsageLimiter`) was exceeded: this
   *  ledger becomes exceeded too, refuses every later call and tells its listeners, once. */
  noteBudgetExceeded(why: BudgetExceeded): void;
  calls(): readonly CallUsageRecord[];
  totals(): UsageTotals;
  summary(): UsageSummary;
}

export interface UsageLedgerOptions {
  /** Price overrides, merged over `DEFAULT_PRICES`. */
  prices?: Record<string, ModelPrice>;
  /** Default: none. */
  budget?: UsageBudget;
  /** Who refuses calls past the budget: this ledger (default), or the team's limits in KV
   *  (`createKvUsageLimiter`, which tells the ledger through `noteBudgetExceeded`): then the
   *  ledger only reports the budget, so a node never refuses on its own partial view. */
  budgetKeptBy?: 'ledger' | 'team';
}

function emptyTotals(): UsageTotals {
  return {
    calls: 0,
    attempts: 0,
    inputTokens: 0,
    outputTokens: 0,
    cachedTokens: 0,
    costUsd: 0,
    latencyMs: 0,
  };
}

function add(totals: UsageTotals, record: CallUsageRecord): void {
  totals.calls += 1;
  totals.attempts += record.attempts;
  totals.inputTokens += record.usage.inputTokens;
  totals.outputTokens += record.usage.outputTokens;
  totals.cachedTokens += record.usage.cachedTokens ?? 0;
  totals.costUsd += record.costUsd;
  totals.latencyMs += record.latencyMs;
}

/** Tokens and estimated cost per call, agent, team, model and run, and the run's budget. */
export function createUsageLedger(options: UsageLedgerOptions = {}): UsageLedger {
  const prices = createPriceTable(options.prices);
  const budget = options.budget;
  const enforced = options.budgetKeptBy === 'team' ? undefined : budget;
  const records: CallUsageRecord[] = [];
  const run = emptyTotals();
  const inFlight = new Map<number, { tokens: number; usd: number }>();
  const listeners = new Set<(why: BudgetExceeded) => void>();
  let nextReservation = 0;
  let exceeded: BudgetExceeded | undefined;

  const committed = () => {
    let tokens = run.inputTokens + run.outputTokens;
    let usd = run.costUsd;
    for (const r of inFlight.values()) {
      tokens += r.tokens;
      usd += r.usd;
    }
    return { tokens, usd };
  };

  const note = (why: BudgetExceeded) => {
    if (exceeded !== undefined) return;
    exceeded = why;
    for (const listener of listeners) listener(why);
  };

  const refuse = (why: Omit<BudgetExceeded, 'reason'>): never => {
    const unit = why.kind === 'tokens' ? ' tokens' : ' USD';
    const fmt = (n: number) => (why.kind === 'usd' ? n.toFixed(4) : String(Math.round(n)));
    const reason =
      `Budget of ${fmt(why.limit)}${unit} exceeded: ${why.agentId}'s call to ${why.model} ` +
      `(estimated ${fmt(why.requested)}${unit}) on top of ${fmt(why.committed)}${unit} spent or in flight`;
    note({ ...why, reason });
    throw new ModelError('BUDGET_EXCEEDED', reason);
  };

  return {
    prices,
    budget,
    get exceeded() {
      return exceeded;
    },
    reserve(estimate) {
      const tokens = estimate.inputTokens + estimate.outputTokens;
      const usd = prices.cost(estimate.model, {
        inputTokens: estimate.inputTokens,
        outputTokens: estimate.outputTokens,
      });
      const base = { agentId: estimate.agentId, model: estimate.model };
      if (exceeded !== undefined) {
        throw new ModelError('BUDGET_EXCEEDED', `${exceeded.reason} (the run is stopping)`);
      }
      const now = committed();
      if (enforced?.tokens !== undefined && now.tokens + tokens > enforced.tokens) {
        refuse({
          ...base,
          kind: 'tokens',
          limit: enforced.tokens,
          committed: now.tokens,
          requested: tokens,
        });
      }
      if (enforced?.usd !== undefined && now.usd + usd > enforced.usd) {
        refuse({ ...base, kind: 'usd', limit: enforced.usd, committed: now.usd, requested: usd });
      }
      const id = nextReservation++;
      inFlight.set(id, { tokens, usd });
      let open = true;
      return {
        commit(record) {
          if (!open) return 0;
          open = false;
          inFlight.delete(id);
          const costUsd = prices.cost(record.model, record.usage);
          const full = { ...record, costUsd };
          records.push(full);
          add(run, full);
          return costUsd;
        },
        release() {
          open = false;
          inFlight.delete(id);
        },
      };
    },
    onBudgetExceeded(listener) {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
    noteBudgetExceeded: note,
    calls: () => records,
    totals: () => ({ ...run }),
    summary() {
      const teams: UsageSummary['teams'] = {};
      const models: UsageSummary['models'] = {};
      for (const r of records) {
        const team = (teams[r.team] ??= { totals: emptyTotals(), agents: {} });
        add(team.totals, r);
        add((team.agents[r.agentId] ??= emptyTotals()), r);
        add((models[r.model] ??= emptyTotals()), r);
      }
      return {
        run: { ...run },
        teams,
        models,
        ...(budget === undefined ? {} : { budget }),
        ...(exceeded === undefined ? {} : { budgetExceeded: exceeded }),
      };
    },
  };
}
