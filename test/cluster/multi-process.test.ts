import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openTeamResources, type NatsConnection } from '@llm-teams/broker';
import { parseTrace } from '@llm-teams/runtime';
import {
  runTimeline,
  spawnCli,
  startNatsFixture,
  tempDir,
  until,
  type CliProcess,
  type NatsFixture,
} from '@llm-teams/testkit';

/**
 * A team over three OS processes started with the shipped commands: `run --remote` leaves
 * members to `node` processes, which host them until the run ends. (The same over a 3-server
 * cluster through the loss of a server: test/compose-topology.test.ts.)
 */
describe('a team across processes, from the command line', () => {
  let nats: NatsFixture;
  let nc: NatsConnection;
  const out = tempDir('llmt-mp-');
  const children: CliProcess[] = [];
  const cli = (args: string[]) => {
    const child = spawnCli(args, { cwd: out.dir });
    children.push(child);
    return child;
  };
  beforeAll(async () => {
    nats = await startNatsFixture();
    nc = await nats.connect('watcher');
  });
  afterAll(async () => {
    for (const c of children) c.kill('SIGKILL');
    await nats.close();
    out.cleanup();
  });

  /** The `llm-teams node` commands `run` prints at its join barrier, as argument lists. */
  async function printedNodeCommands(run: CliProcess, n: number) {
    const lines = () => run.output().stderr.match(/^ {2}llm-teams node .*$/gm) ?? [];
    await until('run to print the node commands', () => lines().length >= n, 120_000);
    return lines().map((line) => line.trim().split(/\s+/).slice(1));
  }

  it('coord1 and coord2 each in a node process: kill the process of the leading one mid-run, the other takes over, the run completes with verification on', async () => {
    const team = 'failover';
    const dir = join(out.dir, 'run');
    const run = cli([
      'run',
      '--nats',
      nats.url,
      '--team-name',
      team,
      '--suite',
      'tiny',
      '--agents',
      '3',
      '--verify',
      '2',
      '--remote',
      'coord1,coord2',
      '--seed',
      '5',
      '--time-scale',
      '0.02',
      '--out',
      dir,
    ]);
    const commands = await printedNodeCommands(run, 2);
    // Exactly the printed commands, each with a node name of its own.
    const nodes = new Map(
      commands.map((args) => {
        const member = args[args.indexOf('--agents') + 1]!;
        return [member, cli([...args, '--node', `p-${member}`, '--out', dir])] as const;
      }),
    );
    expect([...nodes.keys()].sort()).toEqual(['coord1', 'coord2']);

    // Mid-run: once the first result is approved on the board, the leader's process dies.
    const resources = await openTeamResources(nc, { team });
    const board = await resources.bucket('board');
    await until(
      'a verified task on the board',
      async () => {
        for await (const key of await board.keys('task.>')) {
          const e = await board.get(key).catch(() => null);
          if (e?.operation === 'PUT' && e.json<{ verified?: boolean }>().verified) return true;
        }
        return false;
      },
      120_000,
    );
    const lease = await (await resources.bucket('leases')).get('coordinator');
    const leader = lease!.json<{ holder: string }>().holder;
    const standby = leader === 'coord1' ? 'coord2' : 'coord1';
    nodes.get(leader)!.kill('SIGKILL');
    const killedAt = Date.now();

    const result = await run.exited;
    const events = existsSync(join(dir, 'trace.jsonl'))
      ? parseTrace(readFileSync(join(dir, 'trace.jsonl'), 'utf8'))
      : [];
    expect(result.code, `${result.stderr}\n${runTimeline(events)}`).toBe(0);
    expect((await nodes.get(standby)!.exited).code).toBe(0);
    expect((await nodes.get(leader)!.exited).code).toBeNull();

    // The merged trace: the standby, in its own process, took the lead after the leader's
    // process died, and the run ended completed with every task done.
    const elected = events.filter(
      (e) => e.actor === standby && e.kind === 'mark' && e.name === 'leader.elected',
    );
    expect(elected.map((e) => e.node)).toEqual([`p-${standby}`]);
    expect(elected[0]!.wall).toBeGreaterThanOrEqual(killedAt);
    expect(new Set(events.map((e) => e.node))).toEqual(
      new Set(['director', 'p-coord1', 'p-coord2']),
    );
    const record = JSON.parse(readFileSync(join(dir, 'result.json'), 'utf8')) as {
      result: { status: string; tasks: { status: string }[] };
    };
    expect(record.result.status).toBe('completed');
    expect(record.result.tasks.every((t) => t.status === 'done')).toBe(true);
  });
});
