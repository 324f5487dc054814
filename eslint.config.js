// One linter for the whole repo. Beyond typescript-eslint's typed rules, it enforces the
// package layering of DESIGN.md: lab -> agents -> runtime -> broker, never upwards, and
// siblings only through their curated `src/index.ts` (the package name), never deep paths.
import js from '@eslint/js';
import tseslint from 'typescript-eslint';

const layers = ['broker', 'runtime', 'agents', 'lab'];

/** Imports a package may not make: every layer above it, and deep imports into any sibling. */
function layeringRule(layer) {
  const above = layers.slice(layers.indexOf(layer) + 1);
  const patterns = [
    ...(above.length === 0
      ? []
      : [
          {
            group: above.map((p) => `@llm-teams/${p}`),
            message: `packages/${layer} sits below ${above.join(', ')}: dependencies point lab -> agents -> runtime -> broker.`,
          },
        ]),
    {
      group: layers.map((p) => `@llm-teams/${p}/*`),
      message: 'Import a sibling package only through its index (the bare package name).',
    },
    {
      group: layers.filter((p) => p !== layer).map((p) => `**/${p}/src/**`),
      message: 'Import a sibling package by its name, not by a relative path into its sources.',
    },
  ];
  return {
    files: [`packages/${layer}/**/*.ts`],
    rules: { 'no-restricted-imports': ['error', { patterns }] },
  };
}

export default tseslint.config(
  {
    ignores: [
      'node_modules/**',
      'runs/**',
      'coverage/**',
      '**/*.js',
      '!eslint.config.js',
      'packages/lab/suites/**',
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
  { files: ['eslint.config.js'], ...tseslint.configs.disableTypeChecked },
  ...layers.map(layeringRule),
);
