/**
 * System time: a person watches a live team: the screen's now and its refresh are the machine's.
 */
import type { Command } from 'commander';
import { createLiveTeamState, type LiveTeamSnapshot } from '../../observability/live-team-state.js';
import { watchLine, watchScreen } from '../../observability/watch-view.js';
import { followTeamTrace } from '../../run/team-trace.js';
import { EXIT, type CliCommand, type CliContext } from '../cli-context.js';
import { intIn, natsUrlArg } from '../cli-parsers.js';
import { withNatsAuthFlags } from '../nats-auth-flags.js';
import { followOrClose, openTeamSession } from '../team-session.js';
import { onStopSignals } from '../stop-signals.js';

interface WatchFlags {
  nats: string;
  team: string;
  prefix?: string;
  intervalMs: number;
  waitMs: number;
  json?: boolean;
  screen?: boolean;
}

/** Clears a terminal and puts the cursor home. */
const HOME = '\x1b[H\x1b[2J';

/**
 * Prints a team's progress from its trace stream until the run ends: a screen redrawn in
 * place on a terminal (or with --screen), else one line per change (or a JSON snapshot each
 * with --json). Exit 0 when the run completed, 1 when it ended otherwise or its hosts all
 * closed their traces without the run's end, 2 when there is no such team.
 */
async function watchAction(flags: WatchFlags, ctx: CliContext): Promise<void> {
  const { io } = ctx;
  const t = await openTeamSession(flags, io, 'llm-teams-watch');
  const { team, session } = t;
  const screen = flags.screen ?? (io.stdoutIsTTY === true && !flags.json);
  const state = createLiveTeamState();
  let caughtUp = false;
  let last = '';
  let finish: (why: 'ended' | 'orphaned' | 'interrupted' | 'lost') => void = () => undefined;
  const finished = new Promise<'ended' | 'orphaned' | 'interrupted' | 'lost'>((r) => {
    finish = r;
  });
  const show = (s: LiveTeamSnapshot) => {
    const text = flags.json
      ? JSON.stringify({ team, ...s })
      : screen
        ? watchScreen(team, s)
        : watchLine(team, s);
    // A line per change: the rate alone moving is not news.
    const key = flags.json || screen ? text : text.replace(/\d+(\.\d+)?s\b|\(\d+(\.\d)?\/s\)/g, '');
    if (key === last) return;
    last = key;
    io.stdout(screen ? HOME + text : text + '\n');
  };
  const tick = () => {
    if (!caughtUp) return;
    const s = state.snapshot(Date.now());
    show(s);
    if (s.phase === 'ended') finish('ended');
  };
  const allEnded = () =>
    follower !== undefined &&
    follower.hosts.size > 0 &&
    [...follower.hosts.values()].every((h) => h.ended);
  // Every host closed its trace: the run is over, with or without its end mark.
  const ended = () => {
    if (!allEnded()) return;
    if (state.snapshot(Date.now()).phase === 'ended') tick();
    else finish('orphaned');
  };
  // Its callbacks may run before it is returned: they see it undefined until then.
  let follower: Awaited<ReturnType<typeof followTeamTrace>> | undefined = undefined;
  follower = await followOrClose(t, () =>
    followTeamTrace({
      nc: session.nc,
      team,
      prefix: t.prefix,
      waitMs: flags.waitMs,
      onEvents: (events) => {
        for (const e of events) state.apply(e);
      },
      onCaughtUp: () => {
        caughtUp = true;
        tick();
        ended();
      },
      onHostEnd: () => {
        if (caughtUp) ended();
      },
      onWaiting: t.waiting(flags.waitMs),
    }),
  );
  void follower.stopped.then(() => finish('lost'));
  const timer = setInterval(tick, flags.intervalMs);
  const interrupt = () => finish('interrupted');
  const unlisten = onStopSignals(interrupt);
  let why: Awaited<typeof finished>;
  try {
    why = await finished;
  } finally {
    clearInterval(timer);
    unlisten();
    await follower.close();
    await session.close();
  }
  const s = state.snapshot(Date.now());
  if (why === 'ended') {
    ctx.state.exitCode = s.status === 'completed' ? EXIT.ok : EXIT.failed;
  } else if (why === 'interrupted') {
    ctx.state.exitCode = EXIT.interrupted;
  } else {
    show(s);
    io.stderr(
      why === 'orphaned'
        ? `team ${team}: every host closed its trace, but the run's end is not in it (the director stopped early?)\n`
        : `team ${team}: lost the trace stream before the run ended\n`,
    );
    ctx.state.exitCode = EXIT.failed;
  }
  if (follower.malformed > 0) {
    io.stderr(`team ${team}: skipped ${follower.malformed} malformed trace stream message(s)\n`);
  }
}

export const watchCommand: CliCommand = {
  name: 'watch',
  register(program: Command, ctx: CliContext) {
    withNatsAuthFlags(
      program
        .command('watch')
        .description(
          "A running team's progress, live from its trace stream: tasks by state, agents, messages/s, retries, rejects, faults, tokens, ETA. Ends with the run (exit 0 when it completed).",
        )
        .requiredOption('--nats <urls>', 'NATS server URL(s), comma-separated', natsUrlArg)
        .requiredOption(
          '--team <team>',
          'the running team (its name, as `llm-teams run` prints it)',
        )
        .option('--prefix <prefix>', 'subject prefix of the team (default llmt)')
        .option('--interval-ms <ms>', 'how often the view is updated', intIn(50, 60_000), 1000)
        .option(
          '--wait-ms <ms>',
          'wait this long for the team to appear (default 0: no such team is an error at once)',
          intIn(0, 3_600_000),
          0,
        )
        .option('--json', 'one JSON snapshot per line instead of text')
        .option('--screen', 'redraw one screen in place (default when stdout is a terminal)'),
    ).action((flags: WatchFlags) => watchAction(flags, ctx));
  },
};
