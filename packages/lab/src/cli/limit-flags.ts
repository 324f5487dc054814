import { InvalidArgumentError, type Command } from 'commander';
import {
  MODEL_PROVIDERS,
  parseRateLimit,
  type RateLimit,
  type UsageLimits,
} from '@llm-teams/agents';
import { intIn, numberIn } from './cli-parsers.js';

/** The team-wide limit flags among a command's parsed options. */
export interface UsageLimitFlags {
  budgetTokens?: number;
  budgetUsd?: number;
  rateLimit?: Record<string, RateLimit>;
}

/** `--rate-limit <provider>:rpm=<n>,tpm=<n>`, repeatable: collected by provider. */
function rateLimitArg(value: string, previous: Record<string, RateLimit> = {}) {
  let parsed: [string, RateLimit];
  try {
    parsed = parseRateLimit(value);
  } catch (error) {
    throw new InvalidArgumentError((error as Error).message);
  }
  const [provider, limit] = parsed;
  if (!(MODEL_PROVIDERS as readonly string[]).includes(provider)) {
    throw new InvalidArgumentError(
      `Unknown provider ${provider}. Providers: ${MODEL_PROVIDERS.join(', ')}.`,
    );
  }
  return { ...previous, [provider]: { ...previous[provider], ...limit } };
}

/**
 * Declares the team-wide limits (docs/limits.md): a budget the whole team may spend and rates
 * per provider, kept in NATS KV and shared by every process of the team.
 */
export function withUsageLimitFlags(command: Command): Command {
  return command
    .option(
      '--budget-tokens <n>',
      'stop the team once it would spend more tokens (input + output), on all nodes together',
      intIn(1, Number.MAX_SAFE_INTEGER),
    )
    .option(
      '--budget-usd <x>',
      'stop the team once its estimated cost would pass this many US dollars',
      numberIn(0, 1e9, true),
    )
    .option(
      '--rate-limit <provider:rpm=n,tpm=n>',
      'requests and/or tokens per minute of model time for one provider, shared by the team (repeatable)',
      rateLimitArg,
    );
}

/** The limits the flags ask for, or undefined when none were given. */
export function usageLimitsOf(flags: UsageLimitFlags): UsageLimits | undefined {
  const budget = {
    ...(flags.budgetTokens !== undefined ? { tokens: flags.budgetTokens } : {}),
    ...(flags.budgetUsd !== undefined ? { usd: flags.budgetUsd } : {}),
  };
  const limits: UsageLimits = {
    ...(Object.keys(budget).length > 0 ? { budget } : {}),
    ...(flags.rateLimit ? { rates: flags.rateLimit } : {}),
  };
  return Object.keys(limits).length > 0 ? limits : undefined;
}
