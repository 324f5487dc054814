import { execFile } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';

const root = fileURLToPath(new URL('../..', import.meta.url));
const run = promisify(execFile);

/*
 * The short version of `npm run bench:soak-host` (half an hour there): one host under a steady
 * stream of good and bad messages keeps its heap flat. Every structure a message touches is
 * bounded (docs/contracts.md, Resource bounds); an unbounded one shows as growth here.
 */
describe('one host under a steady stream of good and bad messages', () => {
  it('handles every message, rejects every bad one, and keeps its heap flat', async () => {
    const { stdout } = await run(
      process.execPath,
      ['--expose-gc', '--import', 'tsx', 'bench/soak-host.ts', '--seconds', '12', '--json'],
      { cwd: root, timeout: 120_000 },
    );
    const f = JSON.parse(stdout.trim().split('\n').at(-1)!) as Record<string, number>;
    expect(f['goodSent']).toBeGreaterThan(1000);
    expect(f['rejects']).toBe(f['badSent']);
    expect(f['deadLettered']).toBe(f['badSent']);
    // Every good message but the requests (answered, not counted) was handled.
    expect(f['handled']).toBe(f['goodSent']! - Math.floor(f['goodSent']! / 20));
    expect(f['heapEndMb']! - f['heapAfterWarmupMb']!).toBeLessThan(5);
  });
});
