import type { ModelUsage } from './model-types.js';

/** USD per million tokens. `cachedInputPerMTok` prices input served from the prompt cache
 *  (default: the input price). */
export interface ModelPrice {
  inputPerMTok: number;
  outputPerMTok: number;
  cachedInputPerMTok?: number;
}

/**
 * Estimated list prices (USD per million tokens) when this table was written. They are
 * estimates for comparing runs, not invoices: providers change prices, and discounts, batch
 * tiers and cache writes are not modelled. Override any entry through `prices` in the client or
 * ledger options. Simulated models cost what the model they imitate costs.
 */
export const DEFAULT_PRICES: Readonly<Record<string, ModelPrice>> = {
  // The three calibrated models (the paper's).
  'claude-sonnet-4-6': { inputPerMTok: 3, outputPerMTok: 15, cachedInputPerMTok: 0.3 },
  'gemini-3-flash-preview': { inputPerMTok: 0.5, outputPerMTok: 3, cachedInputPerMTok: 0.05 },
  'gpt-5.2': { inputPerMTok: 1.75, outputPerMTok: 14, cachedInputPerMTok: 0.175 },
  // Common neighbours.
  'claude-sonnet-4-5': { inputPerMTok: 3, outputPerMTok: 15, cachedInputPerMTok: 0.3 },
  'claude-opus-4-5': { inputPerMTok: 5, outputPerMTok: 25, cachedInputPerMTok: 0.5 },
  'claude-haiku-4-5': { inputPerMTok: 1, outputPerMTok: 5, cachedInputPerMTok: 0.1 },
  'gpt-5': { inputPerMTok: 1.25, outputPerMTok: 10, cachedInputPerMTok: 0.125 },
  'gpt-5-mini': { inputPerMTok: 0.25, outputPerMTok: 2, cachedInputPerMTok: 0.025 },
  'gpt-4.1': { inputPerMTok: 2, outputPerMTok: 8, cachedInputPerMTok: 0.5 },
  'gpt-4o': { inputPerMTok: 2.5, outputPerMTok: 10, cachedInputPerMTok: 1.25 },
  'gpt-4o-mini': { inputPerMTok: 0.15, outputPerMTok: 0.6, cachedInputPerMTok: 0.075 },
  'gemini-3-pro-preview': { inputPerMTok: 2, outputPerMTok: 12, cachedInputPerMTok: 0.2 },
  'gemini-2.5-pro': { inputPerMTok: 1.25, outputPerMTok: 10, cachedInputPerMTok: 0.125 },
  'gemini-2.5-flash': { inputPerMTok: 0.3, outputPerMTok: 2.5, cachedInputPerMTok: 0.03 },
};

export interface PriceTable {
  /** The price of a model id (`anthropic:claude-sonnet-4-6`) or bare model name; undefined
   *  when unknown (local models, new releases): such calls cost 0 and only tokens count. */
  price(model: string): ModelPrice | undefined;
  cost(model: string, usage: ModelUsage): number;
}

/** The bare model name of an id: `sim:gpt-5.2` -> `gpt-5.2`, `openai-compatible:m@url` -> `m`. */
function modelName(model: string): string {
  const colon = model.indexOf(':');
  const rest = colon < 0 ? model : model.slice(colon + 1);
  const at = rest.search(/@https?:\/\//);
  return at < 0 ? rest : rest.slice(0, at);
}

/**
 * Prices merged over `DEFAULT_PRICES`. Keys are full ids or bare names. A dated release
 * (`claude-sonnet-4-6-20260215`, `gpt-5.2-2025-12-11`) takes its family's price: a key matches
 * a name it prefixes when the rest starts with `-<digit>`, so `gpt-5` does not price `gpt-5-mini`.
 */
export function createPriceTable(overrides: Record<string, ModelPrice> = {}): PriceTable {
  const table: Record<string, ModelPrice> = { ...DEFAULT_PRICES, ...overrides };
  const price = (model: string): ModelPrice | undefined => {
    const exact = table[model] ?? table[modelName(model)];
    if (exact !== undefined) return exact;
    const name = modelName(model);
    let best: string | undefined;
    for (const key of Object.keys(table)) {
      if (name.startsWith(key) && /^-\d/.test(name.slice(key.length))) {
        if (best === undefined || key.length > best.length) best = key;
      }
    }
    return best === undefined ? undefined : table[best];
  };
  return {
    price,
    cost(model, usage) {
      const p = price(model);
      if (p === undefined) return 0;
      const cached = Math.min(usage.cachedTokens ?? 0, usage.inputTokens);
      const dollars =
        (usage.inputTokens - cached) * p.inputPerMTok +
        cached * (p.cachedInputPerMTok ?? p.inputPerMTok) +
        usage.outputTokens * p.outputPerMTok;
      return dollars / 1_000_000;
    },
  };
}
