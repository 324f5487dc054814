import { Option, type Command } from 'commander';
import { ARCHITECTURES, DEFAULT_RUN_SPEC, type RunSpec } from '../../run/run-spec.js';
import { HOST_LAYOUTS, type HostLayout } from '../../run/team-hosts.js';
import { intIn, modelMix, numberIn, seedArg, stringList } from '../cli-parsers.js';
import { withEmbeddedNatsFlag, withNatsAuthFlags } from '../nats-auth-flags.js';
import { withUsageLimitFlags, type UsageLimitFlags } from '../limit-flags.js';

/** `--model-time-order` / `--no-model-time-order`, for `run` and `sweep` alike. */
export const MODEL_TIME_ORDER_HELP =
  'centralized: the coordinator gives a ready task to an idle worker only when no busy worker could come free before it in model time (waits in real time for their reports; docs/design-notes.md); default on when every model is simulated';
export const NO_MODEL_TIME_ORDER_HELP =
  'centralized: give out work as reports arrive, not in model-time order';

/** The flags of `llm-teams run` (docs/cli.md). */
export interface RunFlags extends UsageLimitFlags {
  suite: string;
  p: number;
  agents: number;
  arch: RunSpec['arch'];
  model: string;
  models?: Record<string, string>;
  workload: 'fixed' | 'scaled';
  seed: string;
  timeScale: number;
  deadlineMs?: number;
  nats?: string;
  out?: string;
  suiteDir?: string;
  json?: boolean;
  quiet?: boolean;
  faults?: string;
  record?: string;
  remote?: string[];
  replicas?: number;
  teamName?: string;
  auth?: string;
  joinTimeoutMs?: number;
  verify?: number;
  modelTimeOrder?: boolean;
  hosts: HostLayout;
  cluster?: number;
  upDir?: string;
}

/** `run`'s flags, in the order `--help` lists them. */
export function withRunFlags(command: Command): Command {
  return withUsageLimitFlags(
    withNatsAuthFlags(withPlacementFlags(withTeamSpecFlags(withEmbeddedNatsFlag(command)))),
  );
}

/** What team runs on what: suite, p, agents, architecture, models, seed, time. */
function withTeamSpecFlags(command: Command): Command {
  const d = DEFAULT_RUN_SPEC;
  return command
    .description('Run one team on one task suite; writes result.json, trace.jsonl and report.html.')
    .option('--suite <id>', 'task suite id (see packages/lab/suites)', d.suite)
    .option('--p <fraction>', 'dependency structure: a p the suite declares', numberIn(0, 1), d.p)
    .option('--agents <n>', 'team size n, 1 to 64 (single: always 1)', intIn(1, 64), d.agents)
    .addOption(
      new Option('--arch <arch>', 'team architecture').choices([...ARCHITECTURES]).default(d.arch),
    )
    .option('--model <id>', 'model id: sim:<name>, anthropic:<model>, openai:<model>, ...', d.model)
    .option(
      '--models <mix>',
      'a model per member or role on top of --model, e.g. coord1=sim:gpt-5.2,workers=sim:gemini-3-flash-preview',
      modelMix,
    )
    .addOption(
      new Option(
        '--workload <kind>',
        'fixed: the suite as it is; scaled: one copy of its task graph per agent',
      )
        .choices(['fixed', 'scaled'])
        .default('fixed'),
    )
    .option('--seed <seed>', 'seed of every random choice', seedArg, d.seed)
    .option(
      '--time-scale <x>',
      'real ms per simulated model ms, in (0, 10]',
      numberIn(0, 10, true),
      d.timeScale,
    )
    .option('--deadline-ms <ms>', 'stop the run after this much real time', intIn(1, 86_400_000));
}

/** Where the run writes, which faults it injects, where its members and servers live. */
function withPlacementFlags(command: Command): Command {
  return withDistributionFlags(
    command
      .option(
        '--out <dir>',
        'output directory (default runs/<timestamp>-<suite>-p<p>-<arch>-n<n>-s<seed>)',
      )
      .option('--suite-dir <dir>', 'also look for suites in this directory')
      .option('--faults <file>', 'inject the faults a YAML or JSON file describes (docs/faults.md)')
      .addOption(
        new Option(
          '--hosts <layout>',
          'one: every member in one host; each: each member on a host of its own, with its own NATS connection through the wire proxy (wire faults)',
        )
          .choices([...HOST_LAYOUTS])
          .default('one'),
      )
      .option(
        '--cluster <n>',
        'start an embedded cluster of n nats-servers (n1..nN; streams replicated up to 3 times) instead of one; broker faults act on it',
        intIn(2, 9),
      )
      .option(
        '--up-dir <dir>',
        'run on the servers `llm-teams up --dir <dir>` started (their URLs unless --nats); broker faults act on them',
      )
      .option(
        '--record <file>',
        'write every model call to this cassette (replay the run with --model replay:<file>)',
      )
      .option('--json', 'print the record as JSON on stdout')
      .option('--quiet', 'print nothing but errors'),
  );
}

/** Teams of one's own, members elsewhere, replicas, credentials, verification. */
function withDistributionFlags(command: Command): Command {
  return command
    .option(
      '--team <dir>',
      'run a team of your own: a directory holding team.ts (docs/sdk.md) instead of a suite',
    )
    .option('--name <name>', "with --team: the running team's name (default: the team's own)")
    .option(
      '--remote <ids>',
      "members hosted elsewhere by `llm-teams node` (a2,a3 or coord2): the run waits for them and prints each one's command",
      stringList,
    )
    .option(
      '--replicas <n>',
      "JetStream replicas of the team's streams and buckets (default: the cluster's size, at most 3)",
      intIn(1, 5),
    )
    .option(
      '--team-name <name>',
      'the team (subject token) the run creates; members elsewhere join it by this name (default: from the seed and the time)',
    )
    .option(
      '--auth <dir>',
      "run as the team's director with its credentials, signing every envelope (llm-teams auth init)",
    )
    .option(
      '--join-timeout-ms <ms>',
      'with --remote: how long to wait for the members elsewhere (default 600000; 60000 with --team)',
      intIn(1, 86_400_000),
    )
    .option(
      '--verify <reviewers>',
      'centralized: every result reviewed by this many other agents, a majority decides',
      intIn(1, 63),
    )
    .option('--model-time-order', MODEL_TIME_ORDER_HELP)
    .option('--no-model-time-order', NO_MODEL_TIME_ORDER_HELP);
}
