import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { NatsConnection } from '@llm-teams/broker';
import { loadTeamDir, runTeamExperiment } from '@llm-teams/lab';
import { parseTrace } from '@llm-teams/runtime';
import {
  spawnCli,
  startNatsFixture,
  tempDir,
  type CliProcess,
  type NatsFixture,
} from '@llm-teams/testkit';

const ROOT = new URL('../..', import.meta.url).pathname;

/**
 * The research example across two processes: this one hosts m1 and the reducer, an
 * `llm-teams node --team examples/research --agents m2` process hosts m2. Both read the same
 * team.ts; the node joins by the team's name and takes its seed and model from the run.
 */
describe('a team of one’s own across two processes', () => {
  let nats: NatsFixture;
  let nc: NatsConnection;
  let node: CliProcess | undefined;
  const out = tempDir('llmt-2p-');
  beforeEach(async () => {
    nats = await startNatsFixture();
    nc = await nats.connect();
  });
  afterEach(async () => {
    node?.kill('SIGKILL');
    await nats.close();
    out.cleanup();
  });

  it('the research team completes with m2 in a node process, which does board work of its own', async () => {
    node = spawnCli(
      [
        'node',
        '--nats',
        nats.url,
        '--team',
        'examples/research',
        '--agents',
        'm2',
        '--out',
        out.dir,
        '--node',
        'proc-m2',
      ],
      { cwd: ROOT },
    );
    const team = await loadTeamDir(join(ROOT, 'examples/research'));
    const record = await runTeamExperiment({
      team,
      nc,
      seed: '3',
      timeScale: 0.05,
      outDir: join(out.dir, 'run'),
      teamOptions: { localMembers: ['m1', 'reducer'] },
    });
    expect(record.result.status, record.result.reason).toBe('completed');
    expect(record.result.tasks.every((t) => t.status === 'done')).toBe(true);
    const exited = await node.exited;
    expect(exited.code, exited.stderr).toBe(0);
    const remote = parseTrace(readFileSync(join(out.dir, 'trace.proc-m2.jsonl'), 'utf8'));
    const remoteDone = remote.filter((e) => e.kind === 'task' && e.phase === 'done');
    expect(remoteDone.length).toBeGreaterThan(0);
    expect(new Set(remote.map((e) => e.actor))).toEqual(new Set(['m2']));
    // One merged trace of both processes (every event once): every task done exactly once.
    const merged = parseTrace(readFileSync(join(out.dir, 'run', 'trace.jsonl'), 'utf8'));
    expect(new Set(merged.map((e) => e.node))).toEqual(new Set(['director', 'proc-m2']));
    const done = merged.filter((e) => e.kind === 'task' && e.phase === 'done');
    expect(done.map((e) => (e as { taskId: string }).taskId).sort()).toEqual([
      'chubby',
      'paxos',
      'raft',
      'zab',
    ]);
  });
});
