import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { createTraceBuilder } from '@llm-teams/runtime';
import { analysisToJson, analyzeTrace, analyzeTraceFile, renderFindingsText } from '@llm-teams/lab';
import { cleanTeamRun } from './team-scenarios.js';

/** A small run with one anomaly of each level: a reordering and a blind concurrent write. */
function plantedRun() {
  const t = createTraceBuilder();
  const m1 = t.send('a', 'b', 'hop');
  const m2 = t.send('a', 'b', 'hop');
  t.recv('b', m2);
  t.recv('b', m1);
  t.tool('a', 'write_file', { path: 'f.ts', baseRev: 0, rev: 1, taskId: 't1' });
  t.tool('c', 'write_file', { path: 'f.ts', rev: 2, taskId: 't1' });
  return t;
}

describe('analyzeTrace', () => {
  it('runs runtime and team checkers together and summarizes', () => {
    const result = analyzeTrace(plantedRun().events);
    expect(result.findings.map((f) => f.checker)).toEqual(['concurrent-write', 'fifo']);
    expect(result.summary).toMatchObject({
      events: 6,
      actors: 3,
      messages: 2,
      errors: 2,
      warnings: 0,
      ok: false,
    });
    expect(result.summary.byChecker['fifo']).toEqual({ errors: 1, warnings: 0 });
    expect(result.summary.byChecker['split-vote']).toEqual({ errors: 0, warnings: 0 });
    expect(analyzeTrace(plantedRun().events, { skip: ['fifo'] }).findings).toHaveLength(1);
  });

  it('explains each finding in text: verdict, events, causal chain step by step', () => {
    const text = renderFindingsText(analyzeTrace(plantedRun().events));
    expect(text).toContain(
      '6 events, 3 actors, 2 messages (2 delivered, 0 dropped by faults, 0 dead-lettered, 0 late, 0 in flight at the end, 0 lost): 2 errors, 0 warnings',
    );
    const fifo = text.slice(text.indexOf('ERROR [fifo]'));
    expect(fifo).toBe(
      [
        'ERROR [fifo] b processed hop m1 (seq 1) from a after hop m2 (seq 2), which was sent later on the same at-most-once channel',
        '  events:',
        '    a#0            L1      send hop m1 -> b (seq 1, at-most-once)',
        '    a#1            L2      send hop m2 -> b (seq 2, at-most-once)',
        '    b#0            L3      recv hop m2 <- a (seq 2)',
        '    b#1            L4      recv hop m1 <- a (seq 1)',
        '  causal chain:',
        '    a#0            L1      send hop m1 -> b (seq 1, at-most-once)',
        '      | then, on a',
        '    a#1            L2      send hop m2 -> b (seq 2, at-most-once)',
        '      | message m2 to b',
        '    b#0            L3      recv hop m2 <- a (seq 2)',
        '      | then, on b',
        '    b#1            L4      recv hop m1 <- a (seq 1)',
        '',
      ].join('\n'),
    );
    expect(text).toContain(
      "  no causal chain: no message or workspace read leads from either write to the other: each writer went ahead without having seen the other's revision",
    );
  });

  it('explains a chain through the workspace as a read of a revision', () => {
    const t = createTraceBuilder();
    t.task('w1', 't1', 'start');
    t.tool('w1', 'write_file', { path: 'a.ts', baseRev: 0, rev: 1 });
    t.task('w2', 't2', 'start');
    t.tool('w2', 'write_file', { path: 'a.ts', baseRev: 1, rev: 2 });
    const text = renderFindingsText(analyzeTrace(t.events));
    expect(text).toContain('WARNING [rewrite] w2 rewrote a.ts (rev 1 -> 2)');
    expect(text).toContain('      | w2 read revision 1 of a.ts');
  });

  it('gives the same report as JSON, and reads trace files', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'llmt-analyze-'));
    try {
      const file = join(dir, 'trace.jsonl');
      writeFileSync(
        file,
        plantedRun()
          .events.map((e) => JSON.stringify(e))
          .join('\n') + '\n',
      );
      const result = await analyzeTraceFile(file);
      const json = JSON.parse(JSON.stringify(analysisToJson(result))) as ReturnType<
        typeof analysisToJson
      >;
      expect(json.summary.errors).toBe(2);
      expect(json.findings[1]).toMatchObject({
        checker: 'fifo',
        severity: 'error',
        events: [
          { actor: 'a', seq: 0 },
          { actor: 'a', seq: 1 },
          { actor: 'b', seq: 0 },
          { actor: 'b', seq: 1 },
        ],
        details: { channel: { from: 'a', to: 'b', receiver: 'b', mode: 'at-most-once' } },
      });
      expect(result.events).toHaveLength(6);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('reports no anomalies on a clean run', () => {
    const result = analyzeTrace(cleanTeamRun().events);
    expect(renderFindingsText(result)).toMatch(/: no anomalies\n$/);
  });
});
