import { execFile } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';
import {
  createEnvelope,
  decodeFrame,
  encodeBatch,
  encodeEnvelope,
  type Envelope,
} from '@llm-teams/runtime';
import { tempDir } from '@llm-teams/testkit';

const run = promisify(execFile);
const index = new URL('../src/index.ts', import.meta.url).pathname;

const sample = (i: number, body: unknown): Envelope =>
  createEnvelope({
    id: `x-${i}`,
    team: 'codec',
    from: 'a',
    to: i % 2 ? 'b' : '#news',
    type: 'task.done',
    lamport: i + 1,
    seq: i + 1,
    attempt: 1,
    causeId: i % 3 ? `c-${i}` : undefined,
    corrId: undefined,
    sentAt: 1_700_000_000_000 + i,
    body,
  });

const decodeAll = (bytes: Uint8Array): unknown[] => {
  const out: unknown[] = [];
  decodeFrame(
    bytes,
    (e) => out.push(e),
    (reason) => out.push({ rejected: reason }),
  );
  return out;
};

/*
 * Another process has nothing but the code: whatever the encoder learned at run time (msgpackr
 * record structures, say) is not there. The envelope's structure is part of the code, so a
 * fresh decoder in a child process must read what this one wrote, and the other way round.
 */
describe('the codec across processes', () => {
  it('a fresh decoder in another process reads what this process encoded, and back', async () => {
    const envelopes = [
      sample(0, { taskId: 't1', nested: { list: [1, 2, { deep: true }] } }),
      sample(1, 'text'),
      sample(2, null),
      sample(3, { big: 2 ** 40, neg: -7, f: 1.5 }),
    ];
    // Encoded after warming this process's encoder, which would have learned structures.
    for (let i = 0; i < 50; i++) encodeEnvelope(sample(100 + i, { i }));
    const frames = [
      ...envelopes.map((e) => encodeEnvelope(e)),
      encodeBatch(envelopes.slice(0, 3)),
    ].map((b) => Buffer.from(b).toString('base64'));
    const { dir, cleanup } = tempDir();
    try {
      const script = join(dir, 'child.ts');
      writeFileSync(
        script,
        `import { createEnvelope, decodeFrame, encodeEnvelope } from ${JSON.stringify(index)};
         const frames = JSON.parse(process.argv[2]);
         const decoded = frames.map((f) => {
           const out = [];
           decodeFrame(Buffer.from(f, 'base64'), (e) => out.push(e), (r) => out.push({ rejected: r }));
           return out;
         });
         const mine = encodeEnvelope(createEnvelope({ id: 'from-child', team: 'codec', from: 'b',
           to: 'a', type: 'task.assign', lamport: 9, seq: 2, attempt: 3, causeId: 'k',
           corrId: undefined, sentAt: 5, body: { files: ['a.js'], n: 1 } }));
         process.stdout.write(JSON.stringify({ decoded, mine: Buffer.from(mine).toString('base64') }));`,
      );
      const { stdout } = await run(
        process.execPath,
        ['--import', 'tsx', script, JSON.stringify(frames)],
        { cwd: process.cwd(), timeout: 60_000 },
      );
      const child = JSON.parse(stdout) as { decoded: unknown[][]; mine: string };
      const plain = (e: unknown) => JSON.parse(JSON.stringify(e)) as unknown;
      expect(child.decoded).toEqual([
        ...envelopes.map((e) => [plain(e)]),
        envelopes.slice(0, 3).map(plain),
      ]);
      expect(decodeAll(Buffer.from(child.mine, 'base64'))).toEqual([
        expect.objectContaining({
          id: 'from-child',
          to: 'a',
          type: 'task.assign',
          attempt: 3,
          causeId: 'k',
          body: { files: ['a.js'], n: 1 },
        }),
      ]);
    } finally {
      cleanup();
    }
  }, 90_000);
});
