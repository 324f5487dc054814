import type { CliCommand } from '../cli-context.js';

/**
 * One `llm-teams` command as the program's help lists it, and how to load it. A command's
 * module (and everything it imports: the runtime, the team, the viewer, NATS clients) is
 * imported only when that command runs or its own help is asked for, so `llm-teams --help`
 * and each command start without the others' cost. `usage` and `description` are the help
 * line the module registers (a test checks each against its module).
 */
export interface CommandEntry {
  name: string;
  /** What follows the name in the program's command list (`[options] <traces...>`). */
  usage: string;
  description: string;
  load: () => Promise<CliCommand>;
}

/** Every `llm-teams` command, in help order. Add a command: one module, one entry here. */
export const COMMANDS: readonly CommandEntry[] = [
  {
    name: 'run',
    usage: '[options]',
    description: 'Run one team on one task suite; writes result.json, trace.jsonl and report.html.',
    load: async () => (await import('./run.js')).runCommand,
  },
  {
    name: 'sweep',
    usage: '[options]',
    description:
      'Run a grid (suites x p x agents x arch x model x reps) in parallel, resumably; writes results.jsonl, summary.json and report.html.',
    load: async () => (await import('./sweep.js')).sweepCommand,
  },
  {
    name: 'worker',
    usage: '[options]',
    description:
      'Run sweep runs queued on a NATS server (`sweep --nats URL --jobs 0`), from any machine, until stopped.',
    load: async () => (await import('./worker.js')).workerCommand,
  },
  {
    name: 'analyze',
    usage: '[options] <traces...>',
    description:
      "Run every checker on a trace and print the findings and the run's metrics (exit 1 on checker errors).",
    load: async () => (await import('./analyze.js')).analyzeCommand,
  },
  {
    name: 'view',
    usage: '[options] [traces...]',
    description:
      'Render a trace as a space-time diagram: one self-contained HTML page; or, with --live, serve a page whose diagram grows as a team runs.',
    load: async () => (await import('./view.js')).viewCommand,
  },
  {
    name: 'chaos',
    usage: '[options] <action> [faults...]',
    description:
      'Inject or clear faults in a running team, live, over its control subject (docs/faults.md).',
    load: async () => (await import('./chaos.js')).chaosCommand,
  },
  {
    name: 'soak',
    usage: '[options]',
    description:
      'Chaos soak: seeded teams (both architectures) on a fresh three-server cluster each, under a random mix of agent crashes and kills, drops, duplicates, reordering, a healing partition and a server SIGKILL; prints a table and writes soak.json (docs/soak.md).',
    load: async () => (await import('./soak.js')).soakCommand,
  },
  {
    name: 'node',
    usage: '[options]',
    description:
      "Host some of a running team's members in this process (how a team spans machines); exits when the run is over.",
    load: async () => (await import('./node.js')).nodeCommand,
  },
  {
    name: 'collect',
    usage: '[options]',
    description:
      "Gather a team's trace from its trace stream (every host's part) into one trace.jsonl, plus one file per node.",
    load: async () => (await import('./collect.js')).collectCommand,
  },
  {
    name: 'watch',
    usage: '[options]',
    description:
      "A running team's progress, live from its trace stream: tasks by state, agents, messages/s, retries, rejects, faults, tokens, ETA. Ends with the run (exit 0 when it completed).",
    load: async () => (await import('./watch.js')).watchCommand,
  },
  {
    name: 'up',
    usage: '[options]',
    description:
      'Start a local nats-server, or a cluster (--nodes 3), with JetStream; prints the URLs.',
    load: async () => (await import('./up-down.js')).upCommand,
  },
  {
    name: 'auth',
    usage: '',
    description: "A team's NATS credentials, permissions and envelope-signing keys.",
    load: async () => (await import('./auth.js')).authCommand,
  },
  {
    name: 'down',
    usage: '[options]',
    description: 'Stop what `llm-teams up` started.',
    load: async () => (await import('./up-down.js')).downCommand,
  },
  {
    name: 'explore',
    usage: '[options]',
    description:
      'Run a team under seeded controlled schedules until a checker fails; shrink the failing schedule and save schedule.json (exit 1 when one fails).',
    load: async () => (await import('./explore.js')).exploreCommand,
  },
  {
    name: 'replay',
    usage: '[options] <schedule>',
    description:
      'Re-run a team under a saved schedule.json; exit 0 when every replay reproduces its trace and checker outcome.',
    load: async () => (await import('./replay.js')).replayCommand,
  },
  {
    name: 'mistakes',
    usage: '[options]',
    description:
      "Write each task's mistake catalog (plausible wrong versions that fail its tests, for simulated models), or check them.",
    load: async () => (await import('./mistakes.js')).mistakesCommand,
  },
];
