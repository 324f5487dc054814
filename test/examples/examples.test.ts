import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseTrace, type TraceEvent } from '@llm-teams/runtime';
import { spawnCli, tempDir } from '@llm-teams/testkit';

/**
 * Every example of examples/ run as a user runs it: `llm-teams run --team examples/<name>`,
 * then `llm-teams analyze` on its trace (no checker errors), on the repository's own scripted
 * models. The two-process run is in test/examples/two-processes.test.ts.
 */
const ROOT = new URL('../..', import.meta.url).pathname;
const out = tempDir('llmt-examples-');
afterAll(() => out.cleanup());

interface Record {
  result: {
    status: string;
    reason?: string;
    endedBy?: string;
    output?: unknown;
    tasks: { id: string; status: string; owner?: string }[];
  };
  metrics: { checkers: { errors: number } };
}

async function cli(...args: string[]) {
  return spawnCli(args, { cwd: ROOT }).exited;
}

/** Runs an example through the CLI; returns its record and trace. */
async function runExample(name: string, ...more: string[]) {
  const dir = join(out.dir, name + (more.length > 0 ? '-faults' : ''));
  const res = await cli('run', '--team', `examples/${name}`, '--seed', '1', '--out', dir, ...more);
  expect(res.code, res.stderr).toBe(0);
  const record = JSON.parse(readFileSync(join(dir, 'result.json'), 'utf8')) as Record;
  const events = parseTrace(readFileSync(join(dir, 'trace.jsonl'), 'utf8'));
  return { dir, record, events, stdout: res.stdout };
}

const marks = (events: TraceEvent[], name: string) =>
  events.filter((e) => e.kind === 'mark' && e.name === name) as (TraceEvent & {
    [k: string]: unknown;
  })[];

describe('examples, run through the CLI and clean under analyze', () => {
  const runs = new Map<string, Awaited<ReturnType<typeof runExample>>>();
  beforeAll(async () => {
    const faults = join(out.dir, 'pipeline-faults.yaml');
    writeFileSync(
      faults,
      'faults:\n' +
        '  - { kind: pause, target: enrich, healAfterMs: 300 }\n' +
        '  - { kind: crash, target: sink, after: { messages: 4, type: record.enriched } }\n',
    );
    // The examples at once, each on its own embedded nats-server.
    const all = await Promise.all([
      ...['pipeline', 'review-panel', 'research'].map(
        async (n) => [n, await runExample(n)] as const,
      ),
      (async () =>
        ['pipeline-faults', await runExample('pipeline', '--faults', faults)] as const)(),
    ]);
    for (const [name, run] of all) runs.set(name, run);
  }, 170_000);

  it('analyze finds no checker error in any example’s trace; view draws one', async () => {
    const [view, ...results] = await Promise.all([
      cli('view', join(runs.get('review-panel')!.dir, 'trace.jsonl')),
      ...[...runs.values()].map((r) => cli('analyze', join(r.dir, 'trace.jsonl'))),
    ]);
    for (const r of results) {
      expect(r.code, r.stdout + r.stderr).toBe(0);
      expect(r.stdout).toMatch(/no anomalies/);
    }
    expect(view.code, view.stderr).toBe(0);
    expect(existsSync(join(runs.get('review-panel')!.dir, 'trace.html'))).toBe(true);
  }, 90_000);

  it('pipeline: every record reaches the sink once; the sink ends the run with the result', () => {
    const { record } = runs.get('pipeline')!;
    expect(record.result).toMatchObject({
      status: 'completed',
      endedBy: 'sink',
      output: { records: 8, warmest: 'lagos' },
    });
  });

  it('review panel: each proposal is approved by a majority; the byzantine verifier is outvoted, every time traced', () => {
    const { record, events } = runs.get('review-panel')!;
    expect(record.result).toMatchObject({
      status: 'completed',
      endedBy: 'chair',
      output: { decisions: { p1: 'approve', p2: 'approve' } },
    });
    const decided = marks(events, 'vote.decided');
    expect(decided.map((d) => d['outcome'])).toEqual(['approve', 'approve']);
    // v3 rejects everything; whenever its vote was in before the majority, the vote shows
    // the disagreement.
    const byV3 = marks(events, 'vote.cast').filter((c) => c['voter'] === 'v3');
    expect(byV3.map((c) => c['value'])).toEqual(['reject', 'reject']);
    const withV3 = decided.filter((d) => 'v3' in (d['votes'] as object));
    expect(marks(events, 'vote.disagreement')).toHaveLength(withV3.length);
    // No proposer reviews its own proposal; every request went to the three verifiers.
    const requests = events.filter((e) => e.kind === 'send' && e.type === 'vote.request');
    expect(new Set(requests.map((e) => (e as { to?: string }).to))).toEqual(
      new Set(['v1', 'v2', 'v3']),
    );
  });

  it('research: every document is mapped once from the board, then the reducer writes the report', () => {
    const { record, events } = runs.get('research')!;
    expect(record.result.status, record.result.reason).toBe('completed');
    expect(record.result.endedBy).toBe('reducer');
    expect(record.result.tasks.map((t) => [t.id, t.status])).toEqual([
      ['chubby', 'done'],
      ['paxos', 'done'],
      ['raft', 'done'],
      ['zab', 'done'],
    ]);
    const writes = events.filter(
      (e) => e.kind === 'tool' && e.name === 'write_file' && e['outcome'] === 'ok',
    ) as (TraceEvent & { path?: string })[];
    expect(writes.map((w) => w.path).sort()).toEqual([
      'notes/chubby.md',
      'notes/paxos.md',
      'notes/raft.md',
      'notes/zab.md',
      'report.md',
    ]);
    // The report was written after the last note (the reducer waited for the board).
    const lastNote = Math.max(
      ...writes.filter((w) => w.path !== 'report.md').map((w) => events.indexOf(w)),
    );
    expect(events.indexOf(writes.find((w) => w.path === 'report.md')!)).toBeGreaterThan(lastNote);
    expect(writes.find((w) => w.path === 'report.md')!.actor).toBe('reducer');
    expect(writes.filter((w) => w.path !== 'report.md').every((w) => /^m[12]$/.test(w.actor))).toBe(
      true,
    );
  });

  it('pipeline under faults: a paused stage and a crashed sink change nothing (at-least-once, checkpoints)', () => {
    const { record, events } = runs.get('pipeline-faults')!;
    expect(record.result).toMatchObject({ status: 'completed', output: { records: 8 } });
    const injected = events.filter((e) => e.kind === 'fault').map((e) => e['fault']);
    expect(injected).toEqual(
      expect.arrayContaining(['pause', 'pause.heal', 'crash', 'crash.heal']),
    );
  });
});
