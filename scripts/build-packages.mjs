// `npm run build`: every package's tsc build (extra arguments go to tsc, e.g. --noCheck), then
// the viewer's browser bundle, which lab's tsc build leaves out (it is DOM code).
import { execFileSync } from 'node:child_process';
import { createRequire } from 'node:module';
import process from 'node:process';

const tsc = createRequire(import.meta.url).resolve('typescript/bin/tsc');
execFileSync(process.execPath, [tsc, '-b', 'tsconfig.build.json', ...process.argv.slice(2)], {
  stdio: 'inherit',
});
execFileSync(process.execPath, ['packages/lab/scripts/bundle-viewer-client.mjs'], {
  stdio: 'inherit',
});
