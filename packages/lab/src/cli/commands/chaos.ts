import type { Command } from 'commander';
import {
  connectNats,
  createTeamSubjects,
  natsAuthFromEnv,
  natsConnectOptions,
  DEFAULT_SUBJECT_PREFIX,
} from '@llm-teams/broker';
import {
  FAULT_CONTROL_OPS,
  sendFaultControl,
  type FaultControlOp,
  type FaultControlReply,
  type FaultControlRequest,
} from '@llm-teams/runtime';
import { EXIT, UsageError, type CliCommand, type CliContext } from '../cli-context.js';
import { intIn, natsUrlArg } from '../cli-parsers.js';
import { readChaosFaults } from './chaos-faults.js';
import { withNatsAuthFlags, natsAuthFlagsOf } from '../nats-auth-flags.js';

interface ChaosFlags {
  team: string;
  nats: string;
  prefix: string;
  waitMs: number;
  json?: boolean;
}

/** One line per answering process. */
function describeReply(r: FaultControlReply): string {
  if (!r.ok) return `${r.node}: refused:\n  ${(r.errors ?? []).join('\n  ')}\n`;
  const parts: string[] = [];
  if (r.added) parts.push(r.added.length ? `added ${r.added.join(', ')}` : 'added nothing');
  for (const i of r.ignored ?? []) parts.push(`ignored ${i.id ?? i.kind} (${i.reason})`);
  if (r.cleared)
    parts.push(r.cleared.length ? `cleared ${r.cleared.join(', ')}` : 'nothing to clear');
  if (r.faults) {
    parts.push(
      r.faults.length
        ? r.faults.map((f) => `${f.id} ${f.kind} ${f.state}`).join('; ')
        : 'no faults',
    );
  }
  return `${r.node}: ${parts.join('; ')}\n`;
}

async function chaosAction(
  action: string,
  items: string[],
  flags: ChaosFlags,
  ctx: CliContext,
): Promise<void> {
  const { io } = ctx;
  if (!(FAULT_CONTROL_OPS as readonly string[]).includes(action)) {
    throw new UsageError(
      `<action>: unknown action "${action}"; use ${FAULT_CONTROL_OPS.join(', ')}`,
    );
  }
  const op = action as FaultControlOp;
  let request: FaultControlRequest;
  if (op === 'add') {
    if (items.length === 0)
      throw new UsageError('add needs at least one fault (JSON or a fault file)');
    request = { op, faults: await readChaosFaults(items, io.cwd) };
  } else if (op === 'clear') {
    request = items.length > 0 ? { op, ids: items } : { op };
  } else {
    if (items.length > 0) throw new UsageError(`list takes no arguments, got ${items.join(' ')}`);
    request = { op };
  }
  let subjects;
  try {
    subjects = createTeamSubjects({ team: flags.team, prefix: flags.prefix });
  } catch (err) {
    throw new UsageError(`--team / --prefix: ${(err as Error).message}`);
  }
  const nc = await connectNats(
    natsConnectOptions(flags.nats, natsAuthFromEnv(io.env, natsAuthFlagsOf(flags)), {
      name: 'llm-teams-chaos',
      maxReconnectAttempts: 0,
    }),
  );
  let replies: FaultControlReply[];
  try {
    replies = await sendFaultControl(nc, subjects, request, { waitMs: flags.waitMs });
  } finally {
    await nc.close();
  }
  if (flags.json) io.stdout(JSON.stringify(replies, null, 2) + '\n');
  else for (const r of replies) io.stdout(describeReply(r));
  if (replies.length === 0) {
    io.stderr(
      `no process serves team ${flags.team} on ${flags.nats} (waited ${flags.waitMs} ms)\n`,
    );
    ctx.state.exitCode = EXIT.failed;
  } else if (replies.some((r) => !r.ok)) ctx.state.exitCode = EXIT.failed;
}

export const chaosCommand: CliCommand = {
  name: 'chaos',
  register(program: Command, ctx: CliContext) {
    withNatsAuthFlags(
      program
        .command('chaos')
        .description(
          'Inject or clear faults in a running team, live, over its control subject (docs/faults.md).',
        )
        .argument('<action>', `${FAULT_CONTROL_OPS.join(', ')}`)
        .argument(
          '[faults...]',
          'add: faults as JSON objects or fault files (YAML / JSON); clear: fault ids (none: every fault)',
        )
        .requiredOption('--team <name>', 'the running team (`llm-teams run` prints it)')
        .option('--nats <url>', 'NATS server URL', natsUrlArg, 'nats://127.0.0.1:4222')
        .option('--prefix <prefix>', 'subject prefix', DEFAULT_SUBJECT_PREFIX)
        .option('--wait-ms <ms>', 'how long to gather answers', intIn(10, 60_000), 1000)
        .option('--json', 'print the answers as JSON'),
    ).action((action: string, items: string[], flags: ChaosFlags) =>
      chaosAction(action, items, flags, ctx),
    );
  },
};
