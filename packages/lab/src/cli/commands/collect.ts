import { mkdir, writeFile } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import type { Command } from 'commander';
import { redact, type TraceEvent } from '@llm-teams/runtime';
import { gatherTeamTrace } from '../../run/team-trace.js';
import { EXIT, UsageError, type CliCommand, type CliContext } from '../cli-context.js';
import { natsUrlArg } from '../cli-parsers.js';
import { withNatsAuthFlags } from '../nats-auth-flags.js';
import { openTeamSession } from '../team-session.js';

interface CollectFlags {
  nats: string;
  team: string;
  prefix?: string;
  out?: string;
}

const lines = (events: readonly TraceEvent[]) =>
  redact(events.map((e) => JSON.stringify(e) + '\n').join(''));

async function collectAction(flags: CollectFlags, ctx: CliContext): Promise<void> {
  const { io } = ctx;
  const { team, prefix, session } = await openTeamSession(flags, io, 'llm-teams-collect');
  const outDir = resolve(io.cwd, flags.out ?? `runs/${team}`);
  let events: TraceEvent[];
  try {
    ({ events } = await gatherTeamTrace({ nc: session.nc, team, prefix }).catch((err: unknown) => {
      throw new UsageError(
        `--team: no trace stream for team ${team} on ${session.url} (${(err as Error).message})`,
      );
    }));
  } finally {
    await session.close();
  }
  await mkdir(outDir, { recursive: true });
  await writeFile(join(outDir, 'trace.jsonl'), lines(events));
  const nodes = [...new Set(events.map((e) => e.node))];
  for (const node of nodes) {
    const file = `trace.${node.replace(/[^A-Za-z0-9._#-]+/g, '_')}.jsonl`;
    await writeFile(join(outDir, file), lines(events.filter((e) => e.node === node)));
  }
  io.stdout(
    `collected ${events.length} events of team ${team} from ${nodes.length} node(s) (${nodes.join(', ')}) into ${join(outDir, 'trace.jsonl')}\n`,
  );
  ctx.state.exitCode = events.length > 0 ? EXIT.ok : EXIT.failed;
}

export const collectCommand: CliCommand = {
  name: 'collect',
  register(program: Command, ctx: CliContext) {
    withNatsAuthFlags(
      program
        .command('collect')
        .description(
          "Gather a team's trace from its trace stream (every host's part) into one trace.jsonl, plus one file per node.",
        )
        .requiredOption('--nats <urls>', 'NATS server URL(s), comma-separated', natsUrlArg)
        .requiredOption('--team <team>', 'the team whose trace to gather')
        .option('--prefix <prefix>', 'subject prefix of the team (default llmt)')
        .option('--out <dir>', 'where trace.jsonl and trace.<node>.jsonl go (default runs/<team>)'),
    ).action((flags: CollectFlags) => collectAction(flags, ctx));
  },
};
