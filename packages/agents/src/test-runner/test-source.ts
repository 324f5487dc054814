/**
 * What the in-process test runner needs to know of a task's test files: whether they can run in
 * a worker thread with the `node:test` subset of `test-thread-shim.ts`, and the rewrite of their
 * `node:test` imports to that shim.
 */

/** What the shim exports. */
const SHIM_EXPORTS = new Set([
  'test',
  'it',
  'describe',
  'suite',
  'before',
  'after',
  'beforeEach',
  'afterEach',
]);

const STATIC_IMPORT = /import\s+([^'";]*?)\s*from\s*(['"])node:test\2/g;

/**
 * Why these test files cannot run in a thread, or undefined if they can. A thread shares the
 * process's working directory, so tests that read files or the cwd run in a process; so do
 * tests that reach `node:test` other than by a static import of what the shim exports.
 */
export function threadProblem(tests: Record<string, string>): string | undefined {
  for (const [path, source] of Object.entries(tests)) {
    for (const m of source.matchAll(STATIC_IMPORT)) {
      const clause = (m[1] ?? '').trim();
      if (clause.includes('*')) return `${path}: namespace import of node:test`;
      const named = /\{([^}]*)\}/.exec(clause)?.[1] ?? '';
      for (const part of named.split(',')) {
        const name = part
          .trim()
          .split(/\s+as\s+/)[0]
          ?.trim();
        if (name && !SHIM_EXPORTS.has(name)) return `${path}: node:test's ${name}`;
      }
    }
    const rest = source.replace(STATIC_IMPORT, '');
    if (rest.includes('node:test')) return `${path}: node:test reached dynamically`;
    if (
      /\brequire\s*\(|['"](node:)?(fs|fs\/promises|child_process|worker_threads)['"]|process\.(cwd|chdir|exit)/.test(
        source,
      )
    ) {
      return `${path}: uses the file system, processes or the working directory`;
    }
  }
  return undefined;
}

/** The test file with its static `node:test` imports pointing at `shimUrl`. */
export function rewriteTestImports(source: string, shimUrl: string): string {
  return source.replace(
    STATIC_IMPORT,
    (_all, clause: string) => `import ${clause} from ${JSON.stringify(shimUrl)}`,
  );
}
