import { defineConfig } from 'vitest/config';

// The tests mutation testing runs (npm run mutation, docs/mutation.md): the unit tests of the
// runtime core, the protocol modules and the coordinator's plan. One project, so Stryker's
// vitest runner sees every test a mutant may need; no tests that start servers (each mutant
// reruns the tests that reach it, and a server per run would make one pass take hours).
const SOURCE_CONDITION = '@llm-teams/source';

export default defineConfig({
  ssr: { resolve: { conditions: [SOURCE_CONDITION, 'node', 'development|production'] } },
  test: {
    env: {
      NODE_OPTIONS: [process.env.NODE_OPTIONS, `--conditions=${SOURCE_CONDITION}`]
        .filter(Boolean)
        .join(' '),
    },
    include: [
      'packages/runtime/test/{primitives,codec,codec-cross-process,failure-detector,failure-detector-edges,retry-policy}.test.ts',
      'packages/agents/test/protocols/{fencing,quorum-vote}.test.ts',
      'packages/agents/test/team/coordinator-{plan,plan-*,machine,model-order}.test.ts',
    ],
    // One worker that keeps its modules between runs: each mutant's rerun then costs its tests,
    // not a fresh import of the packages (seconds each).
    pool: 'threads',
    isolate: false,
    testTimeout: 60_000,
    hookTimeout: 60_000,
  },
});
