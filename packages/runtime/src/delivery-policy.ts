import { RuntimeError } from './errors.js';
import type { DeliveryMode } from './trace-event.js';

/**
 * Which delivery mode each message type uses. Keys are exact types (`task.assign`) or
 * prefixes ending in `.*` (`task.*`); the longest match wins; anything else gets `default`.
 */
export interface DeliveryPolicyOptions {
  /** Default `at-most-once`. */
  default?: DeliveryMode;
  types?: Record<string, DeliveryMode>;
}

export type DeliveryPolicy = (type: string) => DeliveryMode;

const MODES: readonly DeliveryMode[] = ['at-most-once', 'at-least-once'];

export function createDeliveryPolicy(options: DeliveryPolicyOptions = {}): DeliveryPolicy {
  const fallback = options.default ?? 'at-most-once';
  const entries = Object.entries(options.types ?? {});
  for (const [key, mode] of [['default', fallback] as const, ...entries]) {
    if (!MODES.includes(mode)) {
      throw new RuntimeError(
        'INVALID_ARGUMENT',
        `delivery mode for ${key} must be one of ${MODES.join(', ')}, got ${JSON.stringify(mode)}`,
      );
    }
  }
  const exact = new Map(entries.filter(([k]) => !k.endsWith('.*')));
  const prefixes = entries
    .filter(([k]) => k.endsWith('.*'))
    .map(([k, m]) => [k.slice(0, -1), m] as const)
    .sort((a, b) => b[0].length - a[0].length);
  const cache = new Map<string, DeliveryMode>();
  return (type) => {
    let mode = cache.get(type);
    if (mode === undefined) {
      mode = exact.get(type) ?? prefixes.find(([p]) => type.startsWith(p))?.[1] ?? fallback;
      // Bounded: a program inventing types without end does not grow the cache without end.
      if (cache.size < 10_000) cache.set(type, mode);
    }
    return mode;
  };
}

/** Whether any type could be delivered at-least-once (then actors need a durable inbox). */
export function policyUsesDurable(options: DeliveryPolicyOptions): boolean {
  return (
    options.default === 'at-least-once' ||
    Object.values(options.types ?? {}).includes('at-least-once')
  );
}
