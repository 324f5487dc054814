import { existsSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';

let cached: string | undefined;

/**
 * Chart.js's browser (UMD) build, read from the installed package at build time and inlined
 * into each report, so the page opens from disk with no network. The package's exports map
 * hides `dist/`, so it is found next to the CommonJS entry.
 */
export function chartJsSource(): string {
  if (cached !== undefined) return cached;
  const dist = dirname(createRequire(import.meta.url).resolve('chart.js'));
  const file = ['chart.umd.min.js', 'chart.umd.js'].map((f) => join(dist, f)).find(existsSync);
  if (!file) throw new Error(`Chart.js browser build not found in ${dist}; reinstall chart.js`);
  // Inside a <script> element only `</script` (and `<!--`) can end or confuse the block.
  cached = readFileSync(file, 'utf8')
    .replace(/<\/script/gi, '<\\/script')
    .replace(/<!--/g, '<\\!--')
    .replace(/\/\/# sourceMappingURL=\S+\s*$/, '');
  return cached;
}
