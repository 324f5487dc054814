/**
 * The viewer page's script: the TypeScript modules under client/ (browser code, type-checked
 * with the DOM's types by client/tsconfig.json), bundled by esbuild into one function the
 * page inlines, since the page must work from a file, offline. Bundled on first use and kept
 * for the life of the process (a few milliseconds; the sources do not change while it runs).
 */
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { buildSync } from 'esbuild';

let bundled: string | undefined;

/** The client's entry: the TypeScript source, or the compiled module in a built package. */
function entryPoint(): string {
  const source = fileURLToPath(new URL('./client/main.ts', import.meta.url));
  return existsSync(source) ? source : fileURLToPath(new URL('./client/main.js', import.meta.url));
}

/** The page script, one IIFE; `</script>` cannot occur in it (esbuild escapes it). */
export function pageScript(): string {
  if (bundled !== undefined) return bundled;
  const result = buildSync({
    entryPoints: [entryPoint()],
    bundle: true,
    write: false,
    format: 'iife',
    platform: 'browser',
    target: 'es2020',
    charset: 'utf8',
    legalComments: 'none',
    logLevel: 'silent',
  });
  const out = result.outputFiles[0];
  if (!out) throw new Error('bundling the viewer page script produced no output');
  bundled = out.text;
  return bundled;
}
