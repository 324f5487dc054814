import { join, resolve } from 'node:path';
import type { Command } from 'commander';
import { createCassetteRecorder, startTeamNode } from '@llm-teams/agents';
import { assertToken } from '@llm-teams/broker';
import { openNatsSession } from '../../run/nats-session.js';
import { openTeamTrace } from '../../run/team-trace.js';
import { EXIT, UsageError, type CliCommand, type CliContext } from '../cli-context.js';
import { intIn, natsUrlArg, stringList } from '../cli-parsers.js';
import { withNatsAuthFlags, natsCredentials } from '../nats-auth-flags.js';
import { isTeamDir } from '../../teams/team-dir.js';
import { checkName, loadTeamFlag } from './team-flags.js';
import { loadAuthFlag } from './auth.js';
import { onStopSignals } from '../stop-signals.js';

interface NodeFlags {
  nats: string;
  team: string;
  name?: string;
  agents: string[];
  node?: string;
  out?: string;
  auth?: string;
  record?: string;
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
  // A directory holding team.ts is a team of one's own; anything else names a running team.
  const loaded = isTeamDir(io.cwd, flags.team) ? await loadTeamFlag(flags.team, io.cwd) : undefined;
  checkName(flags.name);
  let team: string;
  try {
    team = assertToken('team', flags.name ?? loaded?.definition.name ?? flags.team);
  } catch (err) {
    throw new UsageError(`--team: ${(err as Error).message}`);
  }
  const members = flags.agents.map(member);
  if (members.length === 0)
    throw new UsageError('--agents: name at least one member (a1,a2 or coord1)');
  // With --auth the node is its member: it connects with that member's credentials (whose
  // permissions cover that member only), signs as it, and subscribes per actor.
  const auth = flags.auth !== undefined ? loadAuthFlag(flags.auth, io.cwd) : undefined;
  if (auth && team !== auth.team) {
    throw new UsageError(`--team: ${team}, but --auth is for team ${auth.team}`);
  }
  if (auth && members.length !== 1) {
    throw new UsageError(
      "--agents: with --auth a node hosts one member (it connects with that member's credentials)",
    );
  }
  const nodeName = flags.node ?? `node-${members.join('-')}`;
  // The calls of the members hosted here (the run records its own: a cassette per process,
  // replayed together as `replay:<their directory>`).
  const cassette = flags.record === undefined ? undefined : resolve(io.cwd, flags.record);
  const outDir = resolve(io.cwd, flags.out ?? `runs/${team}`);
  const credentials = natsCredentials(flags, io);
  const session = await openNatsSession({
    url: flags.nats,
    name: `llm-teams-${nodeName}`,
    waitOnFirstConnect: true,
    ...credentials,
    ...(auth ? { authFlags: { ...credentials.authFlags, ...auth.connectAs(members[0]!) } } : {}),
  });
  // The node's own file, and its part of the team's trace stream (which the run merges).
  const file = join(outDir, `trace.${nodeName}.jsonl`);
  const recorder = openTeamTrace({ nc: session.nc, team, node: nodeName, file });
  try {
    const node = await startTeamNode({
      nc: session.nc,
      team,
      members,
      node: nodeName,
      trace: recorder,
      joinTimeoutMs: flags.joinTimeoutMs,
      ...(cassette ? { modelOptions: { recorder: createCassetteRecorder(cassette) } } : {}),
      ...(loaded ? { definition: loaded.definition, dir: loaded.dir, digest: loaded.digest } : {}),
      ...(auth
        ? { hostOptions: { signing: auth.signing(members), inboxSubscription: 'per-actor' } }
        : {}),
      onClaimWait: (holder, ttlMs) =>
        io.stderr(
          `node ${nodeName}: ${holder.member} is claimed by node ${holder.node}; waiting ${ttlMs} ms to see whether it is still live\n`,
        ),
      onClaimLost: (member, by) =>
        io.stderr(
          `node ${nodeName}: ${member} was taken over by node ${by?.node ?? '?'}; stopped here\n`,
        ),
    });
    io.stderr(`node ${nodeName}: hosting ${members.join(', ')} in team ${team}\n`);
    const stop = () => void node.close();
    const unlisten = onStopSignals(stop);
    try {
      await node.finished;
    } finally {
      unlisten();
      await node.close();
    }
    io.stderr(
      `node ${nodeName}: the run is over; trace in ${file}${cassette ? `, model calls in ${cassette}` : ''}\n`,
    );
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
        .requiredOption(
          '--team <team>',
          'the team to join (printed by `llm-teams run`), or the directory of its team.ts',
        )
        .option(
          '--name <name>',
          "with a team directory: the running team's name (default: the team's own)",
        )
        .requiredOption(
          '--agents <ids>',
          'members to host here, comma-separated (a2,a3 or coord2)',
          stringList,
        )
        .option('--node <name>', 'this process in the trace (default: node-<members>)')
        .option(
          '--auth <dir>',
          "connect and sign as the member hosted here (one), with the team's material from llm-teams auth init",
        )
        .option('--out <dir>', 'where trace.<node>.jsonl goes (default runs/<team>)')
        .option(
          '--record <file>',
          'write the model calls of the members hosted here to this cassette (replay with --model replay:<file or its directory>)',
        )
        .option(
          '--join-timeout-ms <ms>',
          'how long to wait for the run to start',
          intIn(1, 3_600_000),
          60_000,
        ),
    ).action((flags: NodeFlags) => nodeAction(flags, ctx));
  },
};
