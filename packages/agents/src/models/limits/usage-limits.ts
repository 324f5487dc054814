import { z } from 'zod';
import type { ModelUsage } from '../model-types.js';

/** A provider's rate: requests and tokens (input + output) per minute of model time. */
export interface RateLimit {
  requestsPerMinute?: number;
  tokensPerMinute?: number;
}

/**
 * What a whole team may spend, on every node together: a hard budget (tokens, estimated USD)
 * and rates per provider (`anthropic`, `openai`, `google`, `openai-compatible`, `sim`).
 */
export interface UsageLimits {
  budget?: { tokens?: number; usd?: number };
  rates?: Record<string, RateLimit>;
}

const positiveInt = z.number().int().positive();

export const usageLimitsSchema = z
  .object({
    budget: z
      .object({ tokens: positiveInt.optional(), usd: z.number().positive().optional() })
      .strict()
      .optional(),
    rates: z
      .record(
        z.string().regex(/^[a-z][a-z-]*$/, 'a provider name (anthropic, openai, sim, ...)'),
        z
          .object({
            requestsPerMinute: positiveInt.optional(),
            tokensPerMinute: positiveInt.optional(),
          })
          .strict(),
      )
      .optional(),
  })
  .strict();

/** Whether the limits limit anything (an empty object does not). */
export function hasUsageLimits(limits: UsageLimits | undefined): limits is UsageLimits {
  if (limits === undefined) return false;
  const rates = Object.values(limits.rates ?? {}).some(
    (r) => r.requestsPerMinute !== undefined || r.tokensPerMinute !== undefined,
  );
  return rates || limits.budget?.tokens !== undefined || limits.budget?.usd !== undefined;
}

/**
 * Parses one `--rate-limit` value, `<provider>:rpm=<n>[,tpm=<n>]` (either or both), into
 * `[provider, limit]`. Throws an `Error` naming the problem, for the command line to report.
 */
export function parseRateLimit(text: string): [string, RateLimit] {
  const match = /^([a-z][a-z-]*):(.+)$/.exec(text.trim());
  if (!match) {
    throw new Error(`"${text}" is not <provider>:rpm=<n>,tpm=<n> (e.g. openai:rpm=500,tpm=200000)`);
  }
  const limit: RateLimit = {};
  for (const part of match[2]!.split(',')) {
    const [key, value] = part.split('=');
    const n = Number(value);
    if (!Number.isInteger(n) || n <= 0) {
      throw new Error(`"${text}": ${part} is not <rpm|tpm>=<a positive integer>`);
    }
    if (key === 'rpm') limit.requestsPerMinute = n;
    else if (key === 'tpm') limit.tokensPerMinute = n;
    else throw new Error(`"${text}": ${key ?? ''} is neither rpm nor tpm`);
  }
  return [match[1]!, limit];
}

/** One model call as the limits see it: who, which model, and the usage it is expected to have. */
export interface LimitRequest {
  model: string;
  agentId: string;
  inputTokens: number;
  outputTokens: number;
}

/** A call let through: settle it with what it used, or release it if it made no request. */
export interface LimitPermit {
  /** Model time the call waited for its provider's rate (0 when it did not). */
  readonly waitedModelMs: number;
  settle(usage: ModelUsage): Promise<void>;
  release(): Promise<void>;
}

/**
 * What a model client asks before each call (`ModelClientOptions.limiter`): waits while the
 * provider's rate is spent and refuses (`ModelError('BUDGET_EXCEEDED')`) a call that would pass
 * the budget. Shared by every node of a team when it lives in NATS KV (`createKvUsageLimiter`).
 */
export interface ModelLimiter {
  admit(request: LimitRequest, signal?: AbortSignal): Promise<LimitPermit>;
}
