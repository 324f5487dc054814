/**
 * `npm run bench:machines`: what spreading a team and a sweep over processes costs or gains,
 * measured with the shipped commands (docs/deployment.md):
 *
 * - one team (math, p 0.5, 3 agents, time scale 0.002) run in one process on one server, then
 *   the same run with `--remote a2,a3` on a 3-server cluster (`up --nodes 3`, replicas 3) and
 *   two `node` processes: wall time of each (the run's own `wallMs`; for the distributed run
 *   also that less the wait for the nodes to join; and the commands' wall time, process
 *   start-up included);
 * - a sweep of 8 tiny runs queued with `--jobs 0`, drained by 1 worker, then by 2: runs per
 *   minute from the first run's start to the sweep's end.
 *
 * Prints one JSON object. Flags: `--sweep-runs N` (default 8, a multiple of 4).
 */
import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { startNatsServer } from '@llm-teams/broker';

const BIN = fileURLToPath(new URL('../packages/lab/bin/llm-teams.js', import.meta.url));

interface Proc {
  done: Promise<{ code: number | null; stderr: string; stdout: string }>;
  stderr(): string;
  kill(): void;
}

function cli(args: string[], cwd: string): Proc {
  const child = spawn(process.execPath, [BIN, ...args], { cwd, stdio: ['ignore', 'pipe', 'pipe'] });
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (b: Buffer) => (stdout += b.toString()));
  child.stderr.on('data', (b: Buffer) => (stderr += b.toString()));
  const done = new Promise<{ code: number | null; stderr: string; stdout: string }>((resolve) =>
    child.once('exit', (code) => resolve({ code, stderr, stdout })),
  );
  return { done, stderr: () => stderr, kill: () => child.kill('SIGTERM') };
}

async function until(what: string, ok: () => boolean, timeoutMs = 300_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!ok()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 20));
  }
}

const wallOf = (dir: string) =>
  (JSON.parse(readFileSync(join(dir, 'result.json'), 'utf8')) as { result: { wallMs: number } })
    .result.wallMs;

/** The run's wall time once every member had joined: its wall time less the join barrier's wait
 *  (from the director's first event to its `run.joined` mark in the merged trace). */
function afterJoinMs(dir: string, runWallMs: number): number {
  const events = readFileSync(join(dir, 'trace.jsonl'), 'utf8')
    .split('\n')
    .filter((l) => l.trim() !== '')
    .map((l) => JSON.parse(l) as { kind: string; name?: string; actor: string; wall: number });
  const joined = events.find((e) => e.kind === 'mark' && e.name === 'run.joined');
  if (joined === undefined) return runWallMs;
  const first = Math.min(...events.filter((e) => e.actor === joined.actor).map((e) => e.wall));
  return runWallMs - (joined.wall - first);
}

const TEAM = ['--suite', 'math', '--p', '0.5', '--agents', '3', '--seed', '3'];
const SCALE = ['--time-scale', '0.002'];

async function oneProcess(dir: string) {
  const started = Date.now();
  const r = await cli(['run', ...TEAM, ...SCALE, '--out', join(dir, 'one'), '--quiet'], dir).done;
  if (r.code !== 0) throw new Error(`run failed: ${r.stderr}`);
  return { runWallMs: wallOf(join(dir, 'one')), commandWallMs: Date.now() - started };
}

async function threeServers(dir: string) {
  const up = await cli(['up', '--nodes', '3', '--dir', join(dir, 'nats')], dir).done;
  if (up.code !== 0) throw new Error(`up failed: ${up.stderr}`);
  const url = up.stdout.trim();
  try {
    const started = Date.now();
    const out = join(dir, 'three');
    const run = cli(
      [
        'run',
        '--nats',
        url,
        ...TEAM,
        ...SCALE,
        '--remote',
        'a2,a3',
        '--replicas',
        '3',
        '--out',
        out,
      ],
      dir,
    );
    const printed = () => run.stderr().match(/^ {2}llm-teams node .*$/gm) ?? [];
    await until('node commands', () => printed().length === 2);
    const nodes = printed().map((l) => cli([...l.trim().split(/\s+/).slice(1), '--out', out], dir));
    const r = await run.done;
    await Promise.all(nodes.map((n) => n.done));
    if (r.code !== 0) throw new Error(`distributed run failed: ${r.stderr}`);
    const runWallMs = wallOf(out);
    return {
      runWallMs,
      afterJoinWallMs: afterJoinMs(out, runWallMs),
      commandWallMs: Date.now() - started,
    };
  } finally {
    await cli(['down', '--dir', join(dir, 'nats')], dir).done;
  }
}

async function sweepRate(dir: string, workers: number, runs: number) {
  const server = await startNatsServer();
  try {
    const agents = Array.from({ length: runs / 4 }, (_, i) => i + 1).join(',');
    const out = join(dir, `sweep-${workers}`);
    const ws = Array.from({ length: workers }, (_, i) =>
      cli(['worker', '--nats', server.url, '--name', `w${i + 1}`], dir),
    );
    // Workers are up (connected) before the clock starts.
    await until('workers', () => ws.every((w) => /pulling/.test(w.stderr())));
    const started = Date.now();
    const sweep = await cli(
      [
        'sweep',
        '--nats',
        server.url,
        '--jobs',
        '0',
        '--suites',
        'tiny',
        '--agents',
        agents,
        '--arch',
        'centralized,decentralized',
        '--reps',
        '2',
        '--time-scale',
        '0.002',
        '--out',
        out,
        '--quiet',
      ],
      dir,
    ).done;
    const ms = Date.now() - started;
    for (const w of ws) w.kill();
    await Promise.all(ws.map((w) => w.done));
    if (sweep.code !== 0) throw new Error(`sweep failed: ${sweep.stderr}`);
    return { workers, runs, wallMs: ms, runsPerMinute: +((runs / ms) * 60_000).toFixed(2) };
  } finally {
    await server.close();
  }
}

const arg = (name: string, fallback: number) => {
  const i = process.argv.indexOf(name);
  return i >= 0 ? Number(process.argv[i + 1]) : fallback;
};

const dir = mkdtempSync(join(tmpdir(), 'llmt-bench-machines-'));
try {
  const runs = arg('--sweep-runs', 8);
  const one = await oneProcess(dir);
  const three = await threeServers(dir);
  const sweep1 = await sweepRate(dir, 1, runs);
  const sweep2 = await sweepRate(dir, 2, runs);
  console.log(
    JSON.stringify(
      {
        team: { oneProcess: one, threeServersThreeProcesses: three },
        sweep: { oneWorker: sweep1, twoWorkers: sweep2 },
        speedupTwoWorkers: +(sweep2.runsPerMinute / sweep1.runsPerMinute).toFixed(2),
      },
      null,
      2,
    ),
  );
} finally {
  rmSync(dir, { recursive: true, force: true });
}
