// The viewer page's browser code (src/viewer/client, type-checked by its own tsconfig with the
// DOM's types) is not part of lab's tsc build: this bundles it into dist/viewer/client/main.js,
// where an installed lab's page-script.ts finds it when the sources are not there.
import { buildSync } from 'esbuild';
import { fileURLToPath, URL } from 'node:url';

const lab = fileURLToPath(new URL('..', import.meta.url));
buildSync({
  absWorkingDir: lab,
  entryPoints: ['src/viewer/client/main.ts'],
  outfile: 'dist/viewer/client/main.js',
  bundle: true,
  format: 'esm',
  platform: 'browser',
  target: 'es2020',
  charset: 'utf8',
  legalComments: 'none',
  logLevel: 'warning',
});
