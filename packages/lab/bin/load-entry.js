// Loads one of the package's entry modules. An installed package has no sources, only its
// compiled JavaScript (dist/), which runs on plain Node. A checkout of the repository has the
// TypeScript sources beside bin/: they run through tsx, and the sibling packages resolve to
// their sources too, through the `@llm-teams/source` export condition (docs/packages.md).
import { existsSync } from 'node:fs';
import * as nodeModule from 'node:module';

/** @param {string} entry a path under src/ and dist/, without extension (e.g. `cli/main`) */
export async function loadEntry(entry) {
  const source = new URL(`../src/${entry}.ts`, import.meta.url);
  if (!existsSync(source)) return import(new URL(`../dist/${entry}.js`, import.meta.url).href);
  const { register } = await import('tsx/esm/api');
  register();
  // Registered after tsx so it runs first (hooks chain last-in, first-out).
  const hooks = new URL('./source-condition.js', import.meta.url);
  if (typeof nodeModule.registerHooks === 'function') {
    const { resolveSync } = await import(hooks.href);
    nodeModule.registerHooks({ resolve: resolveSync });
  } else {
    nodeModule.register(hooks.href);
  }
  return import(source.href);
}
