import type { Architecture, TaskSpec, TaskSuite, TeamRunOptions } from '@llm-teams/agents';

/**
 * A small suite for tests of the agents layer (which cannot load lab's suites): `n` tasks in
 * a chain of `chain` (each module imports the previous one) plus independent ones, all tiny.
 */
export function tinySuite(options: { n?: number; chain?: number } = {}): TaskSuite {
  const n = options.n ?? 6;
  const chain = Math.min(options.chain ?? 3, n);
  const tasks: TaskSpec[] = [];
  for (let i = 1; i <= n; i++) {
    const id = `t${String(i).padStart(2, '0')}`;
    const inChain = i <= chain;
    const prev = i > 1 && inChain ? `t${String(i - 1).padStart(2, '0')}` : undefined;
    const file = `src/${id}.js`;
    const reference = prev
      ? `import { f${i - 1} } from './${prev}.js';\nexport function f${i}(x) {\n  return f${i - 1}(x) + ${i};\n}\n`
      : `export function f${i}(x) {\n  return x + ${i};\n}\n`;
    const expected = (x: number) => (prev ? x + (i * (i + 1)) / 2 : x + i);
    tasks.push({
      id,
      title: `function f${i}`,
      spec: `Write ${file} exporting f${i}(x) which returns ${prev ? `f${i - 1}(x) + ${i} (import f${i - 1} from ./${prev}.js)` : `x + ${i}`}.`,
      files: [file],
      deps: prev ? [prev] : [],
      reference: { [file]: reference },
      tests: {
        [`test/${id}.test.js`]: `import { test } from 'node:test';\nimport assert from 'node:assert/strict';\nimport { f${i} } from '../${file}';\ntest('f${i}', () => {\n  assert.equal(f${i}(0), ${expected(0)});\n  assert.equal(f${i}(10), ${expected(10)});\n});\n`,
      },
    });
  }
  return { id: 'tiny-fixture', name: 'tiny fixture', p: 1 - chain / n, tasks };
}

/** What a tiny team run is made of: the suite's size (tinySuite's by default) and the team's. */
export interface TinyTeamShape {
  n?: number;
  chain?: number;
  /** Default `centralized`. */
  arch?: Architecture;
  agents: number;
  seed: number;
  /** Model time per wall-clock time: small, so the simulated model's work takes little. */
  timeScale: number;
}

/**
 * The options most team tests give `runTeam`: a team of `agents` on the simulated model over
 * `tinySuite({ n, chain })`, spread into the run's own:
 * `runTeam({ nc, team, ...tinyTeamRun({ n: 4, chain: 2, agents: 2, seed: 3, timeScale: 0.002 }) })`.
 */
export function tinyTeamRun(shape: TinyTeamShape) {
  const { arch = 'centralized', agents, seed, timeScale, ...suite } = shape;
  return {
    suite: tinySuite(suite),
    arch,
    agents,
    model: 'sim:gpt-5.2',
    seed,
    timeScale,
  } satisfies Partial<TeamRunOptions>;
}
