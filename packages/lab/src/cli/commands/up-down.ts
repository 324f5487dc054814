/**
 * System time: `up` stamps and `down` waits for real server processes on the machine's clock.
 */
import { mkdirSync, rmSync } from 'node:fs';
import { join, resolve } from 'node:path';
import type { Command } from 'commander';
import { startNatsCluster, startNatsServer, type NatsServer } from '@llm-teams/broker';
import { EXIT, UsageError, type CliCommand, type CliContext } from '../cli-context.js';
import { intIn } from '../cli-parsers.js';
import { loadAuthFlag } from './auth.js';
import {
  processAlive as alive,
  readUpState,
  UP_STATE_FILE as STATE_FILE,
  writeUpState,
  type UpState,
} from '../../run/up-servers.js';

interface UpFlags {
  nodes: number;
  dir: string;
  host: string;
  auth?: string;
}

async function upAction(flags: UpFlags, ctx: CliContext): Promise<void> {
  // With --auth, every server takes the team's authorization block (llm-teams auth init).
  const extraConfig =
    flags.auth !== undefined ? loadAuthFlag(flags.auth, ctx.io.cwd).serverConfig() : undefined;
  const dir = resolve(ctx.io.cwd, flags.dir);
  const old = readUpState(dir);
  if (old) {
    if (old.nodes.some((n) => alive(n.pid))) {
      throw new UsageError(
        `servers from an earlier \`up\` still run in ${dir}; run \`llm-teams down --dir ${flags.dir}\` first`,
      );
    }
  }
  mkdirSync(dir, { recursive: true });
  let servers: readonly NatsServer[];
  if (flags.nodes === 1) {
    servers = [
      await startNatsServer({
        dir: join(dir, 'n1'),
        host: flags.host,
        detached: true,
        ...(extraConfig ? { extraConfig } : {}),
      }),
    ];
  } else {
    servers = (
      await startNatsCluster({
        nodes: flags.nodes,
        dir,
        host: flags.host,
        detached: true,
        ...(extraConfig ? { extraConfig } : {}),
      })
    ).nodes;
  }
  const state: UpState = {
    nodes: servers.map((s) => ({
      name: s.name,
      pid: s.pid ?? 0,
      url: s.url,
      http: `http://${s.host}:${s.httpPort}`,
      dir: s.dir,
    })),
    startedAt: new Date().toISOString(),
  };
  writeUpState(dir, state);
  ctx.io.stderr(
    `${servers.length === 1 ? 'nats-server' : `a ${servers.length}-node cluster`} with JetStream is up; state in ${dir}\n`,
  );
  ctx.io.stdout(servers.map((s) => s.url).join(',') + '\n');
  ctx.state.exitCode = EXIT.ok;
}

async function downAction(flags: { dir: string; purge?: boolean }, ctx: CliContext): Promise<void> {
  const dir = resolve(ctx.io.cwd, flags.dir);
  const state = readUpState(dir);
  if (!state) throw new UsageError(`nothing is up in ${dir} (no ${STATE_FILE})`);
  for (const n of state.nodes) if (alive(n.pid)) process.kill(n.pid, 'SIGTERM');
  const deadline = Date.now() + 10_000;
  while (state.nodes.some((n) => alive(n.pid)) && Date.now() < deadline) {
    await new Promise((r) => setTimeout(r, 50));
  }
  for (const n of state.nodes) if (alive(n.pid)) process.kill(n.pid, 'SIGKILL');
  rmSync(join(dir, STATE_FILE));
  if (flags.purge) for (const n of state.nodes) rmSync(n.dir, { recursive: true, force: true });
  ctx.io.stderr(
    `stopped ${state.nodes.map((n) => n.name).join(', ')}${flags.purge ? ' and removed their data' : ''}\n`,
  );
  ctx.state.exitCode = EXIT.ok;
}

export const upCommand: CliCommand = {
  name: 'up',
  register(program: Command, ctx: CliContext) {
    program
      .command('up')
      .description(
        'Start a local nats-server, or a cluster (--nodes 3), with JetStream; prints the URLs.',
      )
      .option('--nodes <n>', 'servers, 1 to 9 (a cluster from 2)', intIn(1, 9), 1)
      .option('--dir <dir>', 'where the servers keep their state', '.llmt/nats')
      .option('--host <host>', 'interface to listen on', '127.0.0.1')
      .option(
        '--auth <dir>',
        "require the team's credentials and permissions (written by llm-teams auth init)",
      )
      .action((flags: UpFlags) => upAction(flags, ctx));
  },
};

export const downCommand: CliCommand = {
  name: 'down',
  register(program: Command, ctx: CliContext) {
    program
      .command('down')
      .description('Stop what `llm-teams up` started.')
      .option('--dir <dir>', 'the directory given to up', '.llmt/nats')
      .option('--purge', "also remove the servers' JetStream data")
      .action((flags: { dir: string; purge?: boolean }) => downAction(flags, ctx));
  },
};
