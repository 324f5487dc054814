// Worker-thread entry of the in-process test runner (test-thread-pool.ts). The package ships
// TypeScript sources, which tsx compiles on load (as bin/llm-teams.js does); a compiled copy
// of the package runs its test-thread.js as is.
import { existsSync } from 'node:fs';

if (existsSync(new URL('./test-thread.ts', import.meta.url))) {
  const { register } = await import('tsx/esm/api');
  register();
  await import('./test-thread.ts');
} else {
  await import('./test-thread.js');
}
