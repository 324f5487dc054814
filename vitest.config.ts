import { defineConfig } from 'vitest/config';

// The packages export their TypeScript sources under the `@llm-teams/source` condition and
// their compiled dist/ otherwise (docs/packages.md): tests run the sources, and so do the
// processes tests start (`node --import tsx ...` inherits NODE_OPTIONS from the workers).
const SOURCE_CONDITION = '@llm-teams/source';
const NODE_OPTIONS = [process.env.NODE_OPTIONS, `--conditions=${SOURCE_CONDITION}`]
  .filter(Boolean)
  .join(' ');

// Three tiers, per the developers' guide: unit (*.test.ts), real NATS (*.int.test.ts) and
// cross-package cluster / chaos tests under test/. Every tier starts its own nats-server.
export default defineConfig({
  // Not `module`: packages such as @opentelemetry/api point it at extensionless ESM builds that
  // only bundlers can load.
  ssr: { resolve: { conditions: [SOURCE_CONDITION, 'node', 'development|production'] } },
  test: {
    env: { NODE_OPTIONS },
    projects: [
      {
        extends: true,
        test: {
          name: 'unit',
          include: ['packages/*/src/**/*.test.ts', 'packages/*/test/**/*.test.ts'],
          exclude: ['**/*.int.test.ts', '**/node_modules/**'],
        },
      },
      {
        extends: true,
        test: {
          name: 'int',
          include: ['packages/*/src/**/*.int.test.ts', 'packages/*/test/**/*.int.test.ts'],
          testTimeout: 60_000,
          hookTimeout: 60_000,
        },
      },
      {
        extends: true,
        test: {
          name: 'system',
          include: ['test/**/*.test.ts'],
          testTimeout: 180_000,
          hookTimeout: 60_000,
        },
      },
    ],
  },
});
