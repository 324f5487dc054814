import type { NamePattern } from './fault-spec.js';

/** Whether a pattern has a wildcard (so it names a set of actors rather than one). */
export const isGlob = (pattern: string): boolean => pattern.includes('*');

/** A test for names matching one of `patterns` (`*` matches any run of characters).
 *  Undefined patterns match everything. */
export function nameMatcher(patterns: NamePattern | undefined): (name: string) => boolean {
  if (patterns === undefined) return () => true;
  const list = typeof patterns === 'string' ? [patterns] : patterns;
  const exact = new Set(list.filter((p) => !isGlob(p)));
  const globs = list.filter(isGlob).map(globRegExp);
  if (globs.length === 0) return (name) => exact.has(name);
  return (name) => exact.has(name) || globs.some((g) => g.test(name));
}

function globRegExp(glob: string): RegExp {
  const body = glob
    .split('*')
    .map((part) => part.replace(/[.+?^${}()|[\]\\]/g, '\\$&'))
    .join('.*');
  return new RegExp(`^${body}$`);
}
