import type { TeamRunOptions } from '@llm-teams/agents';
import type { DropFaultOptions, PauseFaultOptions } from '@llm-teams/runtime';
import type { ScheduleArchitecture } from './schedule-file.js';

/** What a bug's variant changes in the team (each a TEST ONLY option of `runTeam`). */
export type BugVariant = Pick<
  TeamRunOptions,
  'unsafeSharedState' | 'earlyReads' | 'fencing' | 'hostOptions' | 'verify' | 'coordinator'
>;

/**
 * A known-broken protocol variant that `explore --bug <name>` switches on, with what finds
 * it: the architecture it lives in, the checker that reports it, the faults the search may
 * choose, and the search budget the tests give it (the safe protocol must pass the same
 * budget). docs/bugs/<name>.md shows a shrunk failing schedule of each.
 */
export interface KnownBug {
  name: string;
  /** One line: what is broken and what goes wrong. */
  description: string;
  /** A paragraph for its page: how the race goes, and what the safe protocol does instead. */
  story: string;
  arch: ScheduleArchitecture;
  /** The checker(s) whose error is the bug. */
  checkers: readonly string[];
  variant: BugVariant;
  /** Settings of the team the bug lives in, broken or safe (e.g. verification on). */
  team?: {
    /** Team size (explore's default `--agents`); default 5. */
    agents?: number;
    verify?: number;
    timeScale?: number;
    pauseMs?: number;
    jumpMs?: number;
    fencing?: boolean;
    leaseSkewMs?: number;
  };
  /** Faults the search may choose (schedule choices, replayed exactly). Default none. */
  faults?: {
    drop?: DropFaultOptions;
    redeliver?: DropFaultOptions;
    pause?: PauseFaultOptions;
    jump?: PauseFaultOptions;
    crash?: PauseFaultOptions;
  };
  /** Schedules the tests search; explore's default `--schedules` with `--bug`. */
  budget: number;
}

export const KNOWN_BUGS: readonly KnownBug[] = [
  {
    name: 'lost-update',
    description:
      'no compare-and-set on the task board and workspace: a read-modify-write overwrites a concurrent one it never saw',
    arch: 'decentralized',
    checkers: ['concurrent-write', 'duplicate-completion'],
    story:
      'Each task-board and workspace write is a read, then a plain put. Two agents that read the same revision both write, and the later put silently erases the earlier one: two agents both win a claim, or a stale claim overwrites a completion and the task is done twice, or two writes of one file land without either seeing the other (`concurrent-write`). The safe protocol writes with compare-and-set on the revision it read (`kv.update(key, value, rev)`), so the second writer is refused and reads again.',
    variant: { unsafeSharedState: { board: true, files: true } },
    budget: 40,
  },
  {
    name: 'early-read',
    description:
      'a task counts as ready once its dependencies are claimed, not done: its work reads a dependency before it is done',
    arch: 'decentralized',
    checkers: ['temporal'],
    story:
      "An agent looking for work treats a dependency that someone has claimed as good as done, and its readiness check agrees. It then reads the dependency's files from the workspace while their author is still writing them, and starts work on what it read: the `temporal` checker finds a task start that is not causally after its dependency's completion. The race needs the author to be preempted between claiming and completing; without preemption the author finishes first. The safe protocol starts a task only when every dependency is `done` on the board, and completion is written after the files.",
    variant: { earlyReads: true },
    budget: 40,
  },
  {
    name: 'double-execution',
    description:
      'no deduplication of redelivered messages: a message delivered again after a lost ack is processed twice',
    arch: 'decentralized',
    checkers: ['duplicate'],
    story:
      "A message whose acknowledgement is lost is delivered again (JetStream redelivers it; here a schedule fault, `redeliver`). The receiving host keeps no window of processed message ids, so the copy is handed to the actor as new and handled a second time: the `duplicate` checker reports a message processed twice with no crash in between. The safe host remembers the ids it processed (`dedupWindow`, default 1024, kept in the actor's checkpoint) and drops the copy, traced as a `dup` receive.",
    variant: { hostOptions: { dedupWindow: 0 } },
    faults: { redeliver: { probability: 0.05, max: 2 } },
    budget: 40,
  },
  {
    name: 'split-vote',
    description:
      'a verification vote decided by a quorum of one of three reviewers: a decision without a majority in its causal past',
    story:
      'A centralized team verifies each result by a vote of three reviewers. The broken leader decides as soon as one vote is in (a quorum of 1), so whatever that vote says stands: the `split-vote` checker finds a decision with fewer than a majority of votes for it among the votes that causally precede it (the others were cast later, or had not arrived). With a faulty reviewer that one vote is wrong and no majority could have outvoted it. The safe leader waits for a strict majority (`floor(k / 2) + 1` of k), so every decision has a majority in its causal past, and two leaders can never decide one vote two ways.',
    arch: 'centralized',
    checkers: ['split-vote'],
    team: { verify: 3 },
    variant: { verify: { reviewers: 3, quorum: 1 } },
    budget: 20,
  },
  {
    name: 'stale-leader',
    description:
      'no fencing: a leader paused past its lease wakes after a takeover and its commands and board writes still land',
    story:
      "A centralized team's leader holds a lease; when it stops renewing it, the standby takes over with a higher epoch and the workers follow it. Here the search pauses the leader (a long GC) as a message reaches it; its lease runs out, the standby is elected and leads, and when the old leader wakes it still believes it leads: it handles what it missed and sends commands with its old epoch before its lease check tells it otherwise. Without fencing a worker that already works for the new leader obeys them: the `fencing` checker finds a task taken on a command of an older epoch than one the worker has worked for. With fencing (the default) every command and board write carries the leader's epoch; a worker refuses a lower epoch than it has seen (`leader.fenced`, back to the deposed leader) and the board refuses the write.",
    arch: 'centralized',
    checkers: ['fencing'],
    variant: { fencing: false },
    faults: { pause: { probability: 0.1, max: 1, actors: ['coord1', 'coord2'], steps: 'deliver' } },
    // Three agents: with five, one worker is idle from the start (the suite has four tasks
    // ready at first), and a coordinator in model-time order gives the deposed leader's command
    // to it, free earliest by its stale view; a worker that never worked for the successor
    // shows no fencing violation. Five and four found nothing in 40 schedules in that order;
    // three find it in both orders (docs/design-notes.md, "Assignments in model-time order").
    team: { agents: 3, timeScale: 0.1, pauseMs: 2100 },
    budget: 40,
  },
  {
    name: 'lease-skew',
    description:
      "a leader lease trusted across skewed clocks: a standby whose clock runs ahead takes over while the leader's lease is still valid by its own clock",
    story:
      "A centralized team's leader holds a lease `{ holder, until }` that it writes by its own clock and renews every third of the lease; the standby takes over once the lease has expired by the standby's clock. Here the search makes a coordinator's clock jump ahead (a step by a bad NTP server, a VM moved to another host); when it is the standby's, it reads a lease that its holder renewed moments ago as already expired, takes it with a higher epoch and leads, while the old leader, by its clock, still holds a valid lease and keeps leading until its next renewal is refused. For that while two coordinators lead: the `lease` checker finds the old leader learning of the takeover with time left on its lease by its own clock. Both variants run without fencing, so that the lease alone is judged. The safe lease tolerates a bounded clock error (`coordinator.leaseSkewMs`, here 2000 ms against jumps of 2000 ms): a standby takes over only once the lease has been expired that long by its own clock, so it never takes a lease its holder still counts as valid. Past that bound it is fencing, on by default, that keeps the old leader's commands out (`stale-leader`).",
    arch: 'centralized',
    checkers: ['lease'],
    variant: { coordinator: { leaseSkewMs: 0 } },
    faults: { jump: { probability: 0.5, max: 1, actors: ['coord2'] } },
    team: { timeScale: 0.1, fencing: false, leaseSkewMs: 2000, jumpMs: 2000 },
    budget: 20,
  },
];

export const BUG_NAMES: readonly string[] = KNOWN_BUGS.map((b) => b.name);

/** The bug of that name; undefined when there is none. */
export function knownBug(name: string): KnownBug | undefined {
  return KNOWN_BUGS.find((b) => b.name === name);
}

/** `explore --bug list`: one bug a line, its name, then its description. */
export function listBugs(): string {
  const width = Math.max(...KNOWN_BUGS.map((b) => b.name.length));
  return KNOWN_BUGS.map((b) => `${b.name.padEnd(width)}  ${b.description}\n`).join('');
}
