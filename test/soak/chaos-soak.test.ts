import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { parseTrace, type TraceEvent } from '@llm-teams/runtime';
import { planSoakRun, SOAK_COLUMNS, type SoakReport, type SoakRunResult } from '@llm-teams/lab';

const root = join(import.meta.dirname, '../..');
const dir = mkdtempSync(join(tmpdir(), 'llmt-soak-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** `npm run soak -- <args>` from the repository, as the docs show it. */
function npmSoak(args: string[]): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn('npm', ['run', '--silent', 'soak', '--', ...args], {
      cwd: root,
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (b: Buffer) => (stdout += b.toString()));
    child.stderr.on('data', (b: Buffer) => (stderr += b.toString()));
    child.once('error', reject);
    child.once('close', (code) => resolve({ code, stdout, stderr }));
  });
}

const faultEvents = (events: TraceEvent[]) =>
  events.filter((e): e is Extract<TraceEvent, { kind: 'fault' }> => e.kind === 'fault');

/** One run's row against its trace: completed, duplicate completions, faults injected and traced. */
function expectAgreesWithTrace(out: string, r: SoakRunResult): void {
  expect(r.error, `run ${r.index + 1} could not run`).toBeUndefined();
  const events = parseTrace(readFileSync(join(out, r.dir, 'trace.jsonl'), 'utf8'));
  const result = JSON.parse(readFileSync(join(out, r.dir, 'result.json'), 'utf8')) as {
    result: { status: string };
  };
  // completed: the run's own outcome, and the trace's run.end.
  expect(r.status).toBe(result.result.status);
  const end = events.find(
    (e): e is Extract<TraceEvent, { kind: 'mark' }> => e.kind === 'mark' && e.name === 'run.end',
  );
  expect(r.completed).toBe(end?.['status'] === 'completed');
  // duplicate completions: tasks with more than one done event.
  const dones = new Map<string, number>();
  for (const e of events) {
    if (e.kind === 'task' && e.phase === 'done')
      dones.set(e.taskId, (dones.get(e.taskId) ?? 0) + 1);
  }
  expect(r.duplicateCompletions).toBe([...dones.values()].filter((n) => n > 1).length);
  // faults: each fired fault's start, each healed one's end and each message hit is a
  // fault event naming it.
  const faults = faultEvents(events);
  const fired = r.injected.faults.filter((f) => f.state !== 'armed');
  expect(fired.length).toBeGreaterThan(0);
  for (const f of fired) {
    expect(
      faults.some((e) => e['faultId'] === f.id && e['msgId'] === undefined),
      `${f.id} in the trace`,
    ).toBe(true);
  }
  let hits = 0;
  for (const [id, n] of Object.entries(r.injected.messageHits)) {
    hits += n;
    expect(faults.filter((e) => e['faultId'] === id && e['msgId'] !== undefined).length).toBe(n);
  }
  const healed = fired.filter((f) => f.state === 'healed').length;
  expect(r.faults.injected).toBe(fired.length + healed + hits);
  expect(r.faults.traced).toBe(r.faults.injected);
  expect(r.faults.missing).toEqual([]);
}

describe('the chaos soak from the command line', () => {
  // Seed 1's first two runs: a centralized team under an agent fault, drop, duplicate, a
  // partition and a server SIGKILL; a decentralized one under duplicate, reorder, a partition.
  it("npm run soak: prints the table and writes it as JSON; every column agrees with the runs' traces", async () => {
    const out = join(dir, 'soak');
    const json = join(dir, 'table.json');
    const res = await npmSoak(['--runs', '2', '--seed', '1', '--out', out, '--json', json]);
    const report = JSON.parse(readFileSync(json, 'utf8')) as SoakReport;
    expect(report.runs).toHaveLength(2);
    expect(report.runs.map((r) => r.arch)).toEqual(['centralized', 'decentralized']);
    expect(new Set(report.runs.flatMap((r) => r.families))).toEqual(
      new Set(['agent', 'drop', 'duplicate', 'reorder', 'partition', 'server']),
    );

    // The printed table: the columns, then one row per run as the JSON says.
    const lines = res.stdout.trimEnd().split('\n');
    expect(lines[0]!.split(/\s{2,}/)).toEqual([...SOAK_COLUMNS]);
    for (const [i, r] of report.runs.entries()) {
      const cells = lines[i + 1]!.split(/\s{2,}/);
      const lost = r.lostWrites.files + r.lostWrites.overwritten + r.lostWrites.completions;
      expect(cells).toEqual([
        String(i + 1),
        r.arch,
        String(r.agents),
        r.families.join('+'),
        r.status,
        String(lost),
        String(r.duplicateCompletions),
        `${r.faults.injected}/${r.faults.traced}`,
        String(r.checkerErrors),
        (r.wallMs / 1000).toFixed(1),
      ]);
    }

    for (const r of report.runs) expectAgreesWithTrace(out, r);
    const s = report.summary;
    expect(res.code, res.stderr).toBe(
      s.completed === 2 &&
        s.lostWrites === 0 &&
        s.duplicateCompletions === 0 &&
        s.faultsInjected === s.faultsTraced &&
        s.checkerErrors === 0
        ? 0
        : 1,
    );
    expect(lines[report.runs.length + 1]).toMatch(
      new RegExp(`^total\\s+${s.completed}/2 completed`),
    );
    // After the table, a line for each run with checker errors, naming them.
    const flagged = lines.filter((l) => / checker errors: /.test(l)).map((l) => l.split(':')[0]);
    expect(flagged).toEqual(
      report.runs.filter((r) => r.checkerErrors > 0).map((r) => `run ${r.index + 1}`),
    );
  }, 300_000);

  it('npm run soak --from 2 --runs 1: run 2 of the soak alone, the same team and faults', async () => {
    const out = join(dir, 'from');
    await npmSoak(['--from', '2', '--runs', '1', '--seed', '1', '--out', out, '--quiet']);
    const report = JSON.parse(readFileSync(join(out, 'soak.json'), 'utf8')) as SoakReport;
    const [run, ...rest] = report.runs;
    expect(rest).toEqual([]);
    expect(run).toMatchObject({ index: 1, seed: '1-1', arch: 'decentralized', dir: 'run-002' });
    expect(run!.families).toEqual(planSoakRun({ seed: '1' }, 1).families);
    expect(readFileSync(join(out, 'run-002', 'faults.json'), 'utf8')).toBe(
      JSON.stringify(planSoakRun({ seed: '1' }, 1).faults, null, 2) + '\n',
    );
  }, 300_000);
});
