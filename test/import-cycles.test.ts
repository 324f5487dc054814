import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { findImportCycles, packageSourceDirs } from '../scripts/import-cycles.js';

const repoRoot = fileURLToPath(new URL('..', import.meta.url));

/**
 * Circles still being taken apart, by package: each entry is the exact group, so a new circle
 * (or a change to this one) fails the test. Remove an entry once its circle is gone.
 */
const KNOWN: Record<string, string[][]> = {};

describe('import circles', () => {
  for (const [name, dir] of Object.entries(packageSourceDirs(repoRoot))) {
    it(`packages/${name} has none${KNOWN[name] ? ' beyond the known ones' : ''}`, () => {
      expect(findImportCycles(dir)).toEqual(KNOWN[name] ?? []);
    });
  }

  it('finds a circle, type-only imports included', () => {
    const fixture = fileURLToPath(new URL('fixtures/import-cycles', import.meta.url));
    expect(findImportCycles(fixture)).toEqual([['a.ts', 'b.ts', 'c.ts']]);
  });
});
