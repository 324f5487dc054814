import type { Command } from 'commander';
import type { DropFaultOptions, PauseFaultOptions } from '@llm-teams/runtime';
import type { KnownBug } from '../../schedules/bug-zoo.js';
import { intIn, numberIn, stringList } from '../cli-parsers.js';

/** `explore`'s fault flags: each fault a schedule may choose, drawn from the search seed. */
export interface ExploreFaultFlags {
  dropProbability: number;
  maxDrops: number;
  redeliverProbability?: number;
  maxRedeliveries: number;
  pauseProbability?: number;
  maxPauses: number;
  pauseMs?: number;
  jumpProbability?: number;
  maxJumps: number;
  jumpMs?: number;
  crashProbability?: number;
  maxCrashes: number;
  faultActors?: string[];
}

/** The search's faults: each kind from its flags when given, else the bug's. */
export function exploreFaults(flags: ExploreFaultFlags, bug: KnownBug | undefined) {
  const actors = flags.faultActors ? { actors: flags.faultActors } : {};
  const drop: DropFaultOptions | undefined =
    flags.dropProbability > 0
      ? { probability: flags.dropProbability, max: flags.maxDrops }
      : bug?.faults?.drop;
  const redeliver: DropFaultOptions | undefined =
    flags.redeliverProbability !== undefined
      ? { probability: flags.redeliverProbability, max: flags.maxRedeliveries }
      : bug?.faults?.redeliver;
  const onActors = (
    probability: number | undefined,
    max: number,
    own: PauseFaultOptions | undefined,
  ): PauseFaultOptions | undefined =>
    probability !== undefined ? { probability, max, ...actors } : own;
  const pause = onActors(flags.pauseProbability, flags.maxPauses, bug?.faults?.pause);
  const jump = onActors(flags.jumpProbability, flags.maxJumps, bug?.faults?.jump);
  const crash = onActors(flags.crashProbability, flags.maxCrashes, bug?.faults?.crash);
  return {
    ...(drop ? { drop } : {}),
    ...(redeliver ? { redeliver } : {}),
    ...(pause ? { pause } : {}),
    ...(jump ? { jump } : {}),
    ...(crash ? { crash } : {}),
  };
}

/** The fault durations a schedule's team records (flags over the bug's). */
export function faultTeamSettings(flags: ExploreFaultFlags): { pauseMs?: number; jumpMs?: number } {
  return {
    ...(flags.pauseMs !== undefined ? { pauseMs: flags.pauseMs } : {}),
    ...(flags.jumpMs !== undefined ? { jumpMs: flags.jumpMs } : {}),
  };
}

export function withExploreFaultFlags(cmd: Command): Command {
  return cmd
    .option(
      '--drop-probability <p>',
      'chance that a chosen delivery is dropped (a fault)',
      numberIn(0, 1),
      0,
    )
    .option('--max-drops <n>', 'drops per schedule at most', intIn(0, 1000), 3)
    .option(
      '--redeliver-probability <p>',
      "chance that a chosen delivery is delivered again later, as after a lost ack (a fault; default: the bug's, else 0)",
      numberIn(0, 1),
    )
    .option('--max-redeliveries <n>', 'redeliveries per schedule at most', intIn(0, 1000), 3)
    .option(
      '--pause-probability <p>',
      "chance that a chosen step's actor is paused for --pause-ms (a long GC; default: the bug's, else 0)",
      numberIn(0, 1),
    )
    .option('--max-pauses <n>', 'pauses per schedule at most', intIn(0, 1000), 1)
    .option('--pause-ms <ms>', 'virtual ms a pause lasts (default 3000)', intIn(1, 3_600_000))
    .option(
      '--jump-probability <p>',
      "chance that a chosen step's actor's clock jumps --jump-ms ahead of the others' (default: the bug's, else 0)",
      numberIn(0, 1),
    )
    .option('--max-jumps <n>', 'clock jumps per schedule at most', intIn(0, 1000), 1)
    .option('--jump-ms <ms>', 'how far a clock jumps (default 1000)', intIn(1, 3_600_000))
    .option(
      '--crash-probability <p>',
      "chance that a chosen step's actor crashes and is restored from its checkpoint (default: the bug's, else 0)",
      numberIn(0, 1),
    )
    .option('--max-crashes <n>', 'crashes per schedule at most', intIn(0, 1000), 1)
    .option(
      '--fault-actors <ids>',
      'actors that pauses, clock jumps and crashes may hit (comma-separated; default any)',
      stringList,
    );
}
