import { writeFile } from 'node:fs/promises';
import { basename, dirname, resolve } from 'node:path';
import { Option, type Command } from 'commander';
import { startLiveViewServer } from '../../viewer/live-view-server.js';
import { toShiVizLog } from '../../viewer/shiviz-log.js';
import { writeSpaceTimeHtml } from '../../viewer/space-time-html.js';
import { EXIT, UsageError, type CliCommand, type CliContext } from '../cli-context.js';
import { intIn, natsUrlArg } from '../cli-parsers.js';
import { withNatsAuthFlags } from '../nats-auth-flags.js';
import { followOrClose, openTeamSession } from '../team-session.js';
import { readTraceArgs } from './analyze.js';

interface ViewFlags {
  out?: string;
  title?: string;
  axis: 'lamport' | 'wall';
  shiviz?: boolean;
  live?: boolean;
  team?: string;
  nats?: string;
  prefix?: string;
  port: number;
  waitMs: number;
}

/**
 * `view --live`: serves the page of a running team until interrupted. Exit 0 once the run's
 * end was shown, 130 when interrupted before, 2 when there is no such team.
 */
async function liveAction(traces: string[], flags: ViewFlags, ctx: CliContext): Promise<void> {
  const { io } = ctx;
  if (traces.length > 0) {
    throw new UsageError('--live shows a running team (--team, --nats): give no trace files');
  }
  if (flags.team === undefined || flags.nats === undefined) {
    throw new UsageError('--live needs --team <team> and --nats <urls>');
  }
  const t = await openTeamSession(
    { ...flags, nats: flags.nats, team: flags.team },
    io,
    'llm-teams-view',
  );
  const { team, session } = t;
  const server = await followOrClose(t, () =>
    startLiveViewServer({
      nc: session.nc,
      team,
      prefix: t.prefix,
      port: flags.port,
      waitMs: flags.waitMs,
      onListening: (url) => io.stdout(`live view of team ${team} at ${url} (Ctrl-C stops it)\n`),
      onWaiting: t.waiting(flags.waitMs),
    }),
  );
  let ended = false;
  void server.ended.then(({ status }) => {
    ended = true;
    io.stdout(`team ${team} ended ${status ?? ''}; the page stays at ${server.url}\n`);
  });
  const stop = new Promise<void>((resolve) => {
    process.once('SIGINT', resolve);
    process.once('SIGTERM', resolve);
  });
  try {
    await stop;
  } finally {
    await server.close();
    await session.close();
  }
  ctx.state.exitCode = ended ? EXIT.ok : EXIT.interrupted;
}

async function viewAction(traces: string[], flags: ViewFlags, ctx: CliContext): Promise<void> {
  const { io } = ctx;
  if (flags.live) return liveAction(traces, flags, ctx);
  if (traces.length === 0) throw new UsageError('name a trace file or run directory, or --live');
  const { events, files } = await readTraceArgs(traces, io.cwd);
  // One file: <trace>.html beside it; several (merged): trace.html beside the first.
  const file = files[0]!;
  const dir = flags.out !== undefined ? resolve(io.cwd, flags.out) : dirname(file);
  const stem = files.length === 1 ? basename(file).replace(/\.jsonl?$/, '') : 'trace';
  const page = resolve(dir, `${stem}.html`);
  const stats = await writeSpaceTimeHtml(events, page, {
    axis: flags.axis,
    ...(flags.title !== undefined ? { title: flags.title } : {}),
  });
  io.stdout(`wrote ${page} (${stats.events} events, ${stats.findings} findings)\n`);
  if (flags.shiviz) {
    const log = resolve(dir, `${stem}.shiviz.log`);
    await writeFile(log, toShiVizLog(events));
    io.stdout(`wrote ${log}\n`);
  }
}

export const viewCommand: CliCommand = {
  name: 'view',
  register(program: Command, ctx: CliContext) {
    withNatsAuthFlags(
      program
        .command('view')
        .description(
          'Render a trace as a space-time diagram: one self-contained HTML page; or, with --live, serve a page whose diagram grows as a team runs.',
        )
        .argument(
          '[traces...]',
          "trace.jsonl files or run directories; several are one team's trace, merged",
        )
        .option(
          '--out <dir>',
          "output directory (default: the trace's directory); writes <trace>.html (trace.html for several)",
        )
        .option('--title <text>', 'page title')
        .addOption(
          new Option('--axis <axis>', 'initial time axis')
            .choices(['lamport', 'wall'])
            .default('lamport'),
        )
        .option('--shiviz', 'also write <trace>.shiviz.log for ShiViz')
        .option('--live', 'serve a live page of a running team (--team, --nats) on 127.0.0.1')
        .option('--team <team>', 'with --live: the running team')
        .option('--nats <urls>', 'with --live: NATS server URL(s), comma-separated', natsUrlArg)
        .option('--prefix <prefix>', 'with --live: subject prefix of the team (default llmt)')
        .option(
          '--port <port>',
          'with --live: the port (default 0: any free one)',
          intIn(0, 65535),
          0,
        )
        .option(
          '--wait-ms <ms>',
          'with --live: wait this long for the team to appear (default 0)',
          intIn(0, 3_600_000),
          0,
        ),
    ).action((traces: string[], flags: ViewFlags) => viewAction(traces, flags, ctx));
  },
};
