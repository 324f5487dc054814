import { describe, expect, it } from 'vitest';
import {
  DEFAULT_PRICES,
  createPriceTable,
  createUsageLedger,
  isModelError,
  type BudgetExceeded,
} from '../../src/models/index.js';

const record = (
  agentId: string,
  team: string,
  input: number,
  output: number,
  model = 'sim:gpt-5.2',
) => ({
  model,
  team,
  agentId,
  callIndex: 0,
  usage: { inputTokens: input, outputTokens: output },
  latencyMs: 1000,
  attempts: 1,
});

describe('price table', () => {
  it('prices the calibrated models, strips providers, and matches dated releases', () => {
    const prices = createPriceTable();
    for (const model of ['claude-sonnet-4-6', 'gemini-3-flash-preview', 'gpt-5.2']) {
      expect(DEFAULT_PRICES[model]).toBeDefined();
    }
    expect(prices.price('sim:claude-sonnet-4-6')).toEqual(DEFAULT_PRICES['claude-sonnet-4-6']);
    expect(prices.price('anthropic:claude-sonnet-4-6-20260215')).toEqual(
      DEFAULT_PRICES['claude-sonnet-4-6'],
    );
    expect(prices.price('openai:gpt-5-mini')).toEqual(DEFAULT_PRICES['gpt-5-mini']);
    expect(prices.price('openai:gpt-5.4')).toBeUndefined();
    expect(prices.price('openai-compatible:llama3@http://localhost:8000/v1')).toBeUndefined();
    // 1M input at $3 with 200k cached at $0.30, 100k output at $15.
    expect(
      prices.cost('anthropic:claude-sonnet-4-6', {
        inputTokens: 1_000_000,
        outputTokens: 100_000,
        cachedTokens: 200_000,
      }),
    ).toBeCloseTo(0.8 * 3 + 0.2 * 0.3 + 0.1 * 15, 10);
  });

  it('overrides win, by bare name or full id', () => {
    const prices = createPriceTable({
      'gpt-5.2': { inputPerMTok: 1, outputPerMTok: 1 },
      'openai-compatible:llama3@http://x/v1': { inputPerMTok: 0.1, outputPerMTok: 0.2 },
    });
    expect(prices.cost('openai:gpt-5.2', { inputTokens: 1e6, outputTokens: 1e6 })).toBe(2);
    expect(
      prices.cost('openai-compatible:llama3@http://x/v1', { inputTokens: 1e6, outputTokens: 0 }),
    ).toBeCloseTo(0.1);
  });
});

describe('usage ledger', () => {
  it('totals per call, agent, team, model and run', () => {
    const ledger = createUsageLedger();
    ledger
      .reserve({ ...record('a1', 't', 0, 0), inputTokens: 10, outputTokens: 10 })
      .commit(record('a1', 't', 1000, 100));
    ledger
      .reserve({ ...record('a2', 't', 0, 0), inputTokens: 10, outputTokens: 10 })
      .commit(record('a2', 't', 2000, 200));
    ledger
      .reserve({ ...record('a1', 'u', 0, 0), inputTokens: 10, outputTokens: 10 })
      .commit(record('a1', 'u', 500, 50, 'sim:claude-sonnet-4-6'));
    const s = ledger.summary();
    expect(s.run).toMatchObject({ calls: 3, inputTokens: 3500, outputTokens: 350 });
    expect(s.teams['t']!.totals).toMatchObject({ calls: 2, inputTokens: 3000 });
    expect(s.teams['t']!.agents['a1']).toMatchObject({ calls: 1, inputTokens: 1000 });
    expect(s.teams['u']!.agents['a1']).toMatchObject({ calls: 1, inputTokens: 500 });
    expect(s.models['sim:claude-sonnet-4-6']!.costUsd).toBeCloseTo((500 * 3 + 50 * 15) / 1e6, 12);
    expect(ledger.calls()).toHaveLength(3);
    expect(s.run.costUsd).toBeCloseTo(
      ledger.calls().reduce((t, c) => t + c.costUsd, 0),
      12,
    );
  });

  it('refuses the call that would pass a token budget, counting calls in flight', () => {
    const ledger = createUsageLedger({ budget: { tokens: 1000 } });
    const seen: BudgetExceeded[] = [];
    ledger.onBudgetExceeded((why) => seen.push(why));
    const first = ledger.reserve({
      model: 'sim:gpt-5.2',
      team: 't',
      agentId: 'a1',
      inputTokens: 300,
      outputTokens: 300,
    });
    // 600 in flight: another 500 would make 1100.
    let error: unknown;
    try {
      ledger.reserve({
        model: 'sim:gpt-5.2',
        team: 't',
        agentId: 'a2',
        inputTokens: 250,
        outputTokens: 250,
      });
    } catch (e) {
      error = e;
    }
    expect(isModelError(error, 'BUDGET_EXCEEDED')).toBe(true);
    expect(seen).toHaveLength(1);
    expect(seen[0]).toMatchObject({
      kind: 'tokens',
      limit: 1000,
      committed: 600,
      requested: 500,
      agentId: 'a2',
    });
    expect(ledger.summary().budgetExceeded?.reason).toContain('Budget of 1000 tokens exceeded');
    first.commit(record('a1', 't', 200, 100));
    // Once refused, the run is stopping: even a small call is refused, and listeners hear once.
    expect(() =>
      ledger.reserve({
        model: 'sim:gpt-5.2',
        team: 't',
        agentId: 'a1',
        inputTokens: 1,
        outputTokens: 1,
      }),
    ).toThrow(/Budget/);
    expect(seen).toHaveLength(1);
  });

  it('a dollar budget uses the price table; a released reservation frees its share', () => {
    const ledger = createUsageLedger({ budget: { usd: 0.01 } });
    // 1000 in + 500 out of gpt-5.2 = 0.00175 + 0.007 = 0.00875 USD.
    const est = { model: 'openai:gpt-5.2', team: 't', inputTokens: 1000, outputTokens: 500 };
    ledger.reserve({ ...est, agentId: 'a' }).release();
    // Had the first reservation been kept, this one would pass the budget.
    const held = ledger.reserve({ ...est, agentId: 'b' });
    expect(() => ledger.reserve({ ...est, agentId: 'c' })).toThrow(/0\.0100 USD exceeded/);
    held.release();
    expect(ledger.totals().calls).toBe(0);
  });
});
