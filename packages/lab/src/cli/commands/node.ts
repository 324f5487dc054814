import { join, resolve } from 'node:path';
import type { Command } from 'commander';
import { startTeamNode } from '@llm-teams/agents';
import { assertToken } from '@llm-teams/broker';
import { createTraceRecorder } from '@llm-teams/runtime';
import { openNatsSession } from '../../run/index.js';
import { EXIT, UsageError, type CliCommand, type CliContext } from '../cli-context.js';
import { intIn, natsUrlArg, stringList } from '../cli-parsers.js';
import { withNatsAuthFlags, natsCredentials } from '../nats-auth-flags.js';

interface NodeFlags {
  nats: string;
  team: string;
  agents: string[];
  node?: string;
  out?: string;
  joinTimeoutMs: number;
}

function member(value: string): string {
  try {
    return assertToken('member id', value);
  } catch (err) {
    throw new UsageError(`--agents: ${(err as Error).message}`);
  }
}

async function nodeAction(flags: NodeFlags, ctx: CliContext): Promise<void> {
  const { io } = ctx;
  let team: string;
  try {
    team = assertToken('team', flags.team);
  } catch (err) {
    throw new UsageError(`--team: ${(err as Error).message}`);
  }
  const members = flags.agents.map(member);
  if (members.length === 0)
    throw new UsageError('--agents: name at least one member (a1,a2 or coord1)');
  const nodeName = flags.node ?? `node-${members.join('-')}`;
  const outDir = resolve(io.cwd, flags.out ?? `runs/${team}`);
  const recorder = createTraceRecorder({ file: join(outDir, `trace.${nodeName}.jsonl`) });
  const session = await openNatsSession({
    url: flags.nats,
    name: `llm-teams-${nodeName}`,
    waitOnFirstConnect: true,
    ...natsCredentials(flags, io),
  });
  try {
    const node = await startTeamNode({
      nc: session.nc,
      team,
      members,
      node: nodeName,
      trace: recorder,
      joinTimeoutMs: flags.joinTimeoutMs,
    });
    io.stderr(`node ${nodeName}: hosting ${members.join(', ')} in team ${team}\n`);
    const stop = () => void node.close();
    process.once('SIGINT', stop);
    process.once('SIGTERM', stop);
    try {
      await node.finished;
    } finally {
      process.off('SIGINT', stop);
      process.off('SIGTERM', stop);
      await node.close();
    }
    io.stderr(`node ${nodeName}: the run is over; trace in ${recorder.file ?? ''}\n`);
  } finally {
    await recorder.close();
    await session.close();
  }
  ctx.state.exitCode = EXIT.ok;
}

export const nodeCommand: CliCommand = {
  name: 'node',
  register(program: Command, ctx: CliContext) {
    withNatsAuthFlags(
      program
        .command('node')
        .description(
          "Host some of a running team's members in this process (how a team spans machines); exits when the run is over.",
        )
        .requiredOption('--nats <urls>', 'NATS server URL(s), comma-separated', natsUrlArg)
        .requiredOption('--team <team>', 'the team to join (printed by `llm-teams run`)')
        .requiredOption(
          '--agents <ids>',
          'members to host here, comma-separated (a2,a3 or coord2)',
          stringList,
        )
        .option('--node <name>', 'this process in the trace (default: node-<members>)')
        .option('--out <dir>', 'where trace.<node>.jsonl goes (default runs/<team>)')
        .option(
          '--join-timeout-ms <ms>',
          'how long to wait for the run to start',
          intIn(1, 3_600_000),
          60_000,
        ),
    ).action((flags: NodeFlags) => nodeAction(flags, ctx));
  },
};
