import type { RunningTeam } from '@llm-teams/agents';
import {
  createScheduleDriver,
  type ScheduleDriver,
  type ScheduleDriverOptions,
  type ScheduleRunEnd,
  type StepBatcher,
  type VirtualClock,
} from '@llm-teams/runtime';
import type { createMemberClocks } from './member-clocks.js';
import type { AnyScheduleTeam } from './schedule-file.js';

/** The team runner's actor that ends a run; a wound-down schedule lets only it go on. */
const DIRECTOR = 'director';

/**
 * The driver of one controlled run: its steps go out in the batcher's turns, its faults reach
 * the team once it runs (`running`), and past its step budget it winds down to the team's own
 * end (the deadline).
 */
export function createScheduledRunDriver(options: {
  team: AnyScheduleTeam;
  clock: VirtualClock;
  batcher: StepBatcher;
  decide: ScheduleDriverOptions['decide'];
  running: () => RunningTeam | undefined;
  memberClocks: ReturnType<typeof createMemberClocks>;
}): ScheduleDriver {
  const { team, clock, running, memberClocks } = options;
  let crashes = 0;
  return createScheduleDriver({
    clock,
    tick: options.batcher.tick,
    decide: options.decide,
    flush: options.batcher.flush,
    maxSteps: team.maxSteps,
    pauseMs: team.pauseMs,
    onPause: (actor, untilMs) =>
      running()
        ?.host.actor(actor)
        ?.runtime.record({
          kind: 'mark',
          name: 'sched.pause',
          untilMs: untilMs - clock.originMs,
        }),
    onJump: memberClocks.jump,
    jumpMs: team.jumpMs,
    onCrash: async (actor) => {
      const t = running();
      if (!t) throw new Error(`crash of ${actor} before the team started`);
      const faultId = `sched.crash.${++crashes}`;
      await t.kill(actor, { faultId });
      await t.restart(actor, { faultId });
    },
    // The director is the run's, not a member: killed, nothing would restore it, and the run
    // could never record its end.
    crashable: (actor) => running()?.canRestart(actor) ?? false,
    onWindDown: (_reason, d) => {
      // Past the deadline, the director's next look at the board ends the run.
      clock.jumpTo(clock.originMs + team.deadlineMs + 1);
      d.restrict(new Set([DIRECTOR]));
    },
  });
}

/** The schedule's end, once `start` runs the driver (when the team is up), and when it ran
 *  (0: never). */
export function scheduleRun(driver: ScheduleDriver) {
  const times = { startedAt: 0, endedAt: 0 };
  let start!: () => void;
  const ended = new Promise<ScheduleRunEnd>((resolve, reject) => {
    start = () => {
      times.startedAt = performance.now();
      void driver.run().then((e) => {
        times.endedAt = performance.now();
        resolve(e);
      }, reject);
    };
  });
  return { ended, start, times };
}
