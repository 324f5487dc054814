import { copyFileSync, existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import { analyzeTraceFile, buildSpaceTimeModel, measureTrace } from '@llm-teams/lab';
import { parseTrace } from '@llm-teams/runtime';
import { argv, runCli, tempDir } from '@llm-teams/testkit';

/** A trace another tool wrote to docs/trace.schema.json: no `attempt` on receives, a mark
 *  without `name`, no channel sequence numbers or delivery modes, fields of its own. */
const FOREIGN = fileURLToPath(
  new URL('../../../../test/fixtures/foreign-trace/trace.jsonl', import.meta.url),
);

describe('a trace written by another tool', () => {
  const out = tempDir();
  afterAll(() => out.cleanup());

  it('analyze, the metrics and the viewer model read it, and find nothing wrong', async () => {
    const result = await analyzeTraceFile(FOREIGN);
    expect(result.findings).toEqual([]);
    expect(result.delivery.counts).toMatchObject({ lost: 0, 'in-flight': 0 });
    const events = parseTrace(readFileSync(FOREIGN, 'utf8'));
    expect(measureTrace(events).messages.total).toBe(2);
    // One arrow per receive, from the send it answers (the retry, for m1).
    expect(buildSpaceTimeModel(events, []).arrows).toEqual([1, 2, 1, 5, 6, 0]);
  });

  it('llm-teams analyze and view accept it (exit 0)', async () => {
    const trace = join(out.dir, 'foreign.jsonl');
    copyFileSync(FOREIGN, trace);
    const analyzed = await runCli(argv`analyze ${trace}`);
    expect(analyzed.stderr).toBe('');
    expect(analyzed.code).toBe(0);
    expect(analyzed.stdout).toContain('2 messages (2 delivered');
    const viewed = await runCli(argv`view ${trace} --out ${out.dir}`);
    expect(viewed.stderr).toBe('');
    expect(viewed.code).toBe(0);
    expect(existsSync(join(out.dir, 'foreign.html'))).toBe(true);
  });

  it('a line that breaks the contract is an error naming the file, the line and the field (exit 2, no stack)', async () => {
    const bad = join(out.dir, 'bad.jsonl');
    const lines = readFileSync(FOREIGN, 'utf8').trimEnd().split('\n');
    lines[2] = lines[2]!.replace('"msgLamport":2', '"msgLamport":"two"');
    writeFileSync(bad, lines.join('\n') + '\n');
    for (const command of ['analyze', 'view']) {
      const res = await runCli([command, bad, ...(command === 'view' ? ['--out', out.dir] : [])]);
      expect(res.code, command).toBe(2);
      expect(res.stderr, command).toMatch(/bad\.jsonl line 3: field msgLamport: expected number/);
      expect(res.stderr, command).not.toMatch(/\n\s+at /);
    }
  });
});
