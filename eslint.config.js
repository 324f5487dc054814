// One linter for the whole repo. Beyond typescript-eslint's typed rules, it enforces the
// package layering of docs/architecture.md: lab -> agents -> runtime -> broker, never upwards,
// and siblings only through their curated `src/index.ts` (the package name), never deep paths.
// The testkit sits beside them: it may use broker, runtime and agents (it drives lab only as a
// process), and no product source may import it; every test may.
import js from '@eslint/js';
import tseslint from 'typescript-eslint';

const layers = ['broker', 'runtime', 'agents', 'lab'];
const packages = [...layers, 'testkit'];

/** Deep imports into any package other than `own`: only the bare package name is allowed. */
function deepImports(own) {
  return [
    {
      group: packages.map((p) => `@llm-teams/${p}/*`),
      message: 'Import a sibling package only through its index (the bare package name).',
    },
    {
      group: packages.filter((p) => p !== own).map((p) => `**/${p}/src/**`),
      message: 'Import a sibling package by its name, not by a relative path into its sources.',
    },
  ];
}

const restrict = (patterns) => ({ 'no-restricted-imports': ['error', { patterns }] });

/**
 * Imports a package may not make: every layer above it, and deep imports into any sibling. Its
 * sources (not its tests) may not import the testkit either.
 */
function layeringRules(layer) {
  const above = layers.slice(layers.indexOf(layer) + 1);
  const upwards =
    above.length === 0
      ? []
      : [
          {
            group: above.map((p) => `@llm-teams/${p}`),
            message: `packages/${layer} sits below ${above.join(', ')}: dependencies point lab -> agents -> runtime -> broker.`,
          },
        ];
  const testkit = {
    group: ['@llm-teams/testkit'],
    message: 'Product code never depends on the testkit; only tests import it.',
  };
  return [
    { files: [`packages/${layer}/**/*.ts`], rules: restrict([...upwards, ...deepImports(layer)]) },
    {
      files: [`packages/${layer}/src/**/*.ts`],
      ignores: ['**/*.test.ts'],
      rules: restrict([...upwards, testkit, ...deepImports(layer)]),
    },
  ];
}

const testkitRules = {
  files: ['packages/testkit/**/*.ts'],
  rules: restrict([
    {
      group: ['@llm-teams/lab'],
      message: 'The testkit runs lab as a process (spawnCli), it does not import it.',
    },
    ...deepImports('testkit'),
  ]),
};

/** The viewer page's script runs in the browser: only its own modules and lab's shared codes. */
const browserRules = {
  files: ['packages/lab/src/viewer/client/**/*.ts'],
  rules: restrict([
    {
      group: ['node:*', '@llm-teams/*', '*/space-time-model.js'],
      allowTypeImports: true,
      message: 'Browser code: import only client/ modules, space-time-codes.js, and types.',
    },
  ]),
};

const repoTestRules = { files: ['test/**/*.ts', 'bench/**/*.ts'], rules: restrict(deepImports()) };

export default tseslint.config(
  {
    ignores: [
      'node_modules/**',
      'runs/**',
      'coverage/**',
      '**/*.js',
      '!eslint.config.js',
      'packages/lab/suites/**',
      'packages/*/dist/**',
      '.stryker-tmp/**',
    ],
  },
  js.configs.recommended,
  ...tseslint.configs.recommendedTypeChecked,
  {
    languageOptions: {
      parserOptions: { projectService: true, tsconfigRootDir: import.meta.dirname },
    },
    rules: {
      '@typescript-eslint/no-floating-promises': 'error',
      '@typescript-eslint/no-misused-promises': 'error',
      '@typescript-eslint/consistent-type-imports': 'error',
      '@typescript-eslint/no-unused-vars': [
        'error',
        { argsIgnorePattern: '^_', varsIgnorePattern: '^_' },
      ],
      '@typescript-eslint/restrict-template-expressions': [
        'error',
        { allowNumber: true, allowBoolean: true },
      ],
      'no-console': 'off',
    },
  },
  // Plain JavaScript build scripts: linted, without type information.
  { files: ['eslint.config.js', '**/*.mjs'], ...tseslint.configs.disableTypeChecked },
  ...layers.flatMap(layeringRules),
  testkitRules,
  browserRules,
  repoTestRules,
);
