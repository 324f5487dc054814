import { readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { jetstreamManager, teamResourceNames } from '@llm-teams/broker';
import { parseTrace, type TraceEvent } from '@llm-teams/runtime';
import {
  argv,
  spawnCli,
  startNatsClusterFixture,
  tempDir,
  until,
  type CliProcess,
} from '@llm-teams/testkit';
import { copyHaikuTeam, HAIKU_TEAM as TEAM } from '../support/haiku-team.js';

/**
 * `run --team <dir>` with the flags of a suite's run that make sense for a team of one's own:
 * --record, the team-wide limits, --replicas, --hosts each, --auth (and the ones it refuses,
 * with the reason). The team is a poet and an editor on a scripted model.
 */
const dir = tempDir('llmt-run-team-');
afterAll(() => dir.cleanup());

const trace = (out: string): TraceEvent[] =>
  parseTrace(readFileSync(join(out, 'trace.jsonl'), 'utf8'));
const result = (out: string) =>
  JSON.parse(readFileSync(join(out, 'result.json'), 'utf8')) as {
    result: { status: string; model: string; output?: unknown; endedBy?: string };
  };

// Each test runs the CLI a few times on a shared machine: room beyond the int tier's 60 s.
describe('run --team with the flags of run', { timeout: 180_000 }, () => {
  it('--record writes a cassette that --model replay: runs again to the same end, with no script', async () => {
    // A copy of the team, whose script is deleted once recorded.
    const team = copyHaikuTeam('run-team-');
    const cassette = join(dir.dir, 'haiku.cassette.jsonl');
    const first = await spawnCli(argv`run --team ${team} --seed 1 --record ${cassette}
      --out ${join(dir.dir, 'rec')}`).exited;
    expect(first.code, first.stderr).toBe(0);
    expect(first.stdout).toContain(cassette);
    const calls = readFileSync(cassette, 'utf8').trim().split('\n');
    expect(calls).toHaveLength(4);
    rmSync(join(team, 'script.yaml'));
    const again = await spawnCli(argv`run --team ${team} --seed 1 --model replay:${cassette}
      --out ${join(dir.dir, 'replayed')}`).exited;
    expect(again.code, again.stderr).toBe(0);
    const replayed = result(join(dir.dir, 'replayed'));
    expect(replayed.result.model).toBe(`replay:${cassette}`);
    expect(replayed.result.output).toEqual(result(join(dir.dir, 'rec')).result.output);
    expect(trace(join(dir.dir, 'replayed')).filter((e) => e.kind === 'llm')).toHaveLength(4);
    const clash = await spawnCli(argv`run --team ${TEAM} --model replay:${cassette}
      --record ${cassette}`).exited;
    expect(clash.code).toBe(2);
    expect(clash.stderr).toMatch(/--record .* would overwrite the cassette --model replays/);
  });

  it('--budget-tokens stops the team at its budget (exit 1), traced, with the reason', async () => {
    const out = join(dir.dir, 'budget');
    const res = await spawnCli(argv`run --team ${TEAM} --budget-tokens 120 --out ${out}`).exited;
    expect(res.code, res.stderr).toBe(1);
    expect(res.stdout).toMatch(
      /^budget \(Team budget of 120 tokens exceeded: (poet|editor)'s call/,
    );
    expect(result(out).result.status).toBe('budget');
    const events = trace(out);
    expect(events.some((e) => e.kind === 'mark' && e['name'] === 'budget.exceeded')).toBe(true);
    expect(events.some((e) => e.kind === 'llm' && e['outcome'] === 'budget_exceeded')).toBe(true);
    // The work done before the budget ran out is in the trace.
    expect(events.some((e) => e.kind === 'llm' && e['outcome'] === 'ok')).toBe(true);
  });

  it('--rate-limit makes the team wait for its provider: the wait is traced on the calls', async () => {
    const out = join(dir.dir, 'rate');
    const res = await spawnCli(argv`run --team ${TEAM} --rate-limit script:rpm=2
      --time-scale 0.001 --out ${out}`).exited;
    expect(res.code, res.stderr).toBe(0);
    const waits = trace(out)
      .filter((e) => e.kind === 'llm')
      .map((e) => Number(e['limitWaitMs'] ?? 0));
    expect(waits).toHaveLength(4);
    // Two requests a minute: the bucket holds two, so the later calls wait for a refill.
    expect(waits.filter((w) => w > 0).length).toBeGreaterThanOrEqual(1);
  });

  it('--hosts each puts every member on a host of its own, each with its own connection', async () => {
    const out = join(dir.dir, 'each');
    const res = await spawnCli(argv`run --team ${TEAM} --hosts each --seed 1 --out ${out}`).exited;
    expect(res.code, res.stderr).toBe(0);
    expect(res.stdout).toMatch(/^completed: .*ended by editor/);
    const nodes = new Map(trace(out).map((e) => [e.actor, e.node]));
    expect(nodes.get('poet')).toBe('poet');
    expect(nodes.get('editor')).toBe('editor');
    expect(nodes.get('director')).toBe('director');
  });

  it('llm-teams chaos reaches the running team: a live pause of the editor is applied and healed', async () => {
    const out = join(dir.dir, 'chaos');
    // Slow model time (10 s a reply), so the team is still running when the fault arrives.
    const run = spawnCli(argv`run --team ${TEAM} --time-scale 10 --out ${out}`);
    await until(
      'the live-faults line',
      () => /live faults with llm-teams chaos --team haiku/.test(run.output().stderr),
      60_000,
    );
    const url = /embedded nats-server \((nats:\/\/[^)]+)\)/.exec(run.output().stderr)![1]!;
    const chaos = await spawnCli(argv`chaos add
      {"id":"nap","kind":"pause","target":"editor","healAfterMs":300} --team haiku --nats ${url}`)
      .exited;
    expect(chaos.code, chaos.stderr).toBe(0);
    expect(chaos.stdout).toMatch(/added nap/);
    const done = await run.exited;
    expect(done.code, done.stderr).toBe(0);
    const faults = trace(out)
      .filter((e) => e.kind === 'fault')
      .map((e) => e['fault']);
    expect(faults).toEqual(expect.arrayContaining(['pause', 'pause.heal']));
  }, 180_000);

  it('--team-name names the running team as --name does; --verify is refused, saying what to do instead', async () => {
    const out = join(dir.dir, 'named');
    const named = await spawnCli(argv`run --team ${TEAM} --team-name haiku-b --seed 1
      --out ${out}`).exited;
    expect(named.code, named.stderr).toBe(0);
    expect(named.stderr).toMatch(/as haiku-b,/);
    expect((result(out).result as { team?: string }).team).toBe('haiku-b');
    const both = await spawnCli(argv`run --team ${TEAM} --team-name x --name y`).exited;
    expect(both.code).toBe(2);
    expect(both.stderr).toMatch(/--team-name x and --name y: both name the running team/);
    const verify = await spawnCli(argv`run --team ${TEAM} --verify 1`).exited;
    expect(verify.code).toBe(2);
    expect(verify.stderr).toMatch(
      /--verify does not apply with --team: .*give it a quorumChair member \(docs\/protocols.md, examples\/review-panel\)/,
    );
  });
});

describe('run --team on a three-server cluster', { timeout: 300_000 }, () => {
  it('--cluster starts one, and broker faults of a fault file act on its servers', async () => {
    const faults = join(dir.dir, 'pause-n2.yaml');
    writeFileSync(
      faults,
      'faults:\n  - { kind: server.pause, node: n2, after: { messages: 1, type: draft }, healAfterMs: 50 }\n',
    );
    const out = join(dir.dir, 'cluster');
    const res = await spawnCli(argv`run --team ${TEAM} --cluster 3 --faults ${faults}
      --out ${out}`).exited;
    expect(res.code, res.stderr).toBe(0);
    expect(res.stdout).toMatch(/^completed: .*ended by editor/);
    const kinds = trace(out)
      .filter((e) => e.kind === 'fault')
      .map((e) => e['fault']);
    expect(kinds).toEqual(expect.arrayContaining(['server.pause', 'server.pause.heal']));
    writeFileSync(join(dir.dir, 'n7.yaml'), '- { kind: server.pause, node: n7 }\n');
    const unknown = await spawnCli(argv`run --team ${TEAM} --cluster 3
      --faults ${join(dir.dir, 'n7.yaml')}`).exited;
    expect(unknown.code).toBe(2);
    expect(unknown.stderr).toMatch(/unknown node "n7"; the cluster has n1, n2, n3/);
  });

  it("provisions the team's streams with that many replicas", async () => {
    const cluster = await startNatsClusterFixture();
    try {
      const res = await spawnCli(argv`run --team ${TEAM} --nats ${cluster.urls.join(',')}
        --replicas 2 --name haiku-r2 --out ${join(dir.dir, 'r2')}`).exited;
      expect(res.code, res.stderr).toBe(0);
      // On a server that outlives the run, the team's trace stream stays (for collect).
      const nc = await cluster.connect();
      const jsm = await jetstreamManager(nc);
      const info = await jsm.streams.info(teamResourceNames({ team: 'haiku-r2' }).traceStream);
      expect(info.config.num_replicas).toBe(2);
    } finally {
      await cluster.close();
    }
  });
});

describe('run --team across processes', () => {
  const children: CliProcess[] = [];
  afterAll(() => children.forEach((c) => c.kill('SIGKILL')));
  const spawn = (args: string[]) => {
    const child = spawnCli(args);
    children.push(child);
    return child;
  };
  /** The `run elsewhere` line of each member the run waits for, as arguments. */
  const elsewhere = async (run: CliProcess, members: string[]) => {
    const lines = () => [...run.output().stderr.matchAll(/run elsewhere: llm-teams (node .*)/g)];
    await until('the node commands', () => lines().length === members.length, 60_000);
    return Object.fromEntries(
      lines().map((m) => {
        const args = m[1]!.split(' ');
        return [args[args.indexOf('--agents') + 1]!, args];
      }),
    );
  };
  // The refusals happen while the run waits at its join barrier for a member nobody hosts
  // yet: the run cannot end then, so every claim stays held (renewed) whatever the load.
  const WAIT = ['--join-timeout-ms', '600000'];

  it('a member is live in one place at a time: a second node for it is refused, naming where it runs', async () => {
    const out = join(dir.dir, 'claims');
    const run = spawn(['run', '--team', TEAM, '--remote', 'editor,poet', ...WAIT, '--out', out]);
    const lines = await elsewhere(run, ['editor', 'poet']);
    const node = spawn([...lines['editor']!, ...WAIT, '--out', out]);
    await until(
      'the node hosting editor',
      () => /hosting editor/.test(node.output().stderr),
      60_000,
    );
    const second = await spawn([...lines['editor']!, '--node', 'again', '--out', out]).exited;
    expect(second.code).not.toBe(0);
    expect(second.stderr).toMatch(/member editor is live on node node-editor/);
    const poet = spawn([...lines['poet']!, '--out', out]);
    const done = await run.exited;
    expect(done.code, done.stderr).toBe(0);
    expect((await node.exited).code).toBe(0);
    expect((await poet.exited).code).toBe(0);
    // One merged trace: the run's and the nodes' events, each once.
    const events = trace(out);
    expect(new Set(events.map((e) => e.node))).toEqual(
      new Set(['director', 'node-editor', 'node-poet']),
    );
    expect(events.filter((e) => e.kind === 'recv' && e['type'] === 'draft')).toHaveLength(2);
  }, 240_000);

  it("the run's own members are claimed too: a node for one of them is refused, naming the run", async () => {
    const out = join(dir.dir, 'own-claims');
    const run = spawn(['run', '--team', TEAM, '--remote', 'editor', ...WAIT, '--out', out]);
    const { editor } = await elsewhere(run, ['editor']);
    const poet = editor!.map((a, i, all) => (all[i - 1] === '--agents' ? 'poet' : a));
    const refused = await spawn([...poet, '--node', 'poet2', '--out', out]).exited;
    expect(refused.code).not.toBe(0);
    expect(refused.stderr).toMatch(/member poet is live on node director/);
    // The refused node changed nothing: the run goes on to its end once editor joins.
    const node = spawn([...editor!, '--out', out]);
    const done = await run.exited;
    expect(done.code, done.stderr).toBe(0);
    expect((await node.exited).code).toBe(0);
  }, 240_000);
});

describe('run --team --auth: a team of one’s own, secured', () => {
  const authDir = join(dir.dir, 'auth');
  const upDir = join(dir.dir, 'nats');
  const children: CliProcess[] = [];
  afterAll(async () => {
    children.forEach((c) => c.kill('SIGKILL'));
    await spawnCli(argv`down --dir ${upDir}`).exited;
  });

  it('runs signed with per-member credentials on the servers up started, the node as its member; material for another team is refused', async () => {
    const init = await spawnCli(argv`auth init --team haiku --members poet,editor
      --out ${authDir}`).exited;
    expect(init.code, init.stderr).toBe(0);
    const up = await spawnCli(argv`up --auth ${authDir} --dir ${upDir}`).exited;
    expect(up.code, up.stderr).toBe(0);
    const url = up.stdout.trim();
    const out = join(dir.dir, 'signed');
    // The servers `up` started, by its directory.
    const run = spawnCli(argv`run --team ${TEAM} --up-dir ${upDir} --auth ${authDir}
      --remote editor --out ${out}`);
    children.push(run);
    await until('the node command', () => /run elsewhere: /.test(run.output().stderr), 60_000);
    const line = /run elsewhere: llm-teams (node .*)/.exec(run.output().stderr)![1]!;
    expect(line.split(' ').slice(-2)).toEqual(['--auth', authDir]);
    const node = spawnCli([...line.split(' '), '--out', out]);
    children.push(node);
    const done = await run.exited;
    expect(done.code, done.stderr).toBe(0);
    expect(done.stdout).toMatch(/^completed: .*ended by editor/);
    expect((await node.exited).code).toBe(0);
    const events = trace(out);
    expect(events.filter((e) => e.kind === 'reject')).toEqual([]);
    expect(new Set(events.map((e) => e.node))).toEqual(new Set(['director', 'node-editor']));

    const other = join(dir.dir, 'auth-other');
    await spawnCli(argv`auth init --team haiku --members poet --out ${other}`).exited;
    const refused = await spawnCli(argv`run --team ${TEAM} --nats ${url} --auth ${other}`).exited;
    expect(refused.code).toBe(2);
    expect(refused.stderr).toMatch(/--auth: .* has no credentials for editor/);
  }, 180_000);
});
