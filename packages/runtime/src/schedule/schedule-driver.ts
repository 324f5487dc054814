import { RuntimeError } from '../errors.js';
import type { InterceptDecision } from '../message-interceptor.js';
import {
  defaultStep,
  type DeliveryGate,
  type ScheduleChoice,
  type ScheduleStep,
  type SharedStateGate,
  type StepAction,
} from './schedule-types.js';
import type { VirtualClock } from './virtual-clock.js';

export interface ScheduleDriverOptions {
  /** The clock every timer of the controlled actors is set on. */
  clock: VirtualClock;
  /** Where decisions are made: a local controller's `decide`, or `natsScheduleDecider`. */
  decide(enabled: readonly ScheduleStep[]): ScheduleChoice | Promise<ScheduleChoice>;
  /** Resolves once every message published so far has reached this process's subscribers:
   *  `nc.flush()` on the one connection the team's hosts publish and subscribe on. */
  flush(): Promise<void>;
  /** Decisions before the run is wound down (`onWindDown('budget')`). Default 50000. */
  maxSteps?: number;
  /** Steps allowed while winding down before the driver gives up. Default 10000. */
  windDownSteps?: number;
  /**
   * Called once when the schedule cannot go on (`budget`: maxSteps reached; `error`: the
   * decider failed, e.g. a replay diverged). The driver then takes default steps, unrecorded,
   * so the caller can bring the run to its end (jump the clock past a deadline, `restrict`
   * to the actor that ends it).
   */
  onWindDown?(reason: 'budget' | 'error', driver: ScheduleDriver): void;
}

export interface ScheduleRunEnd {
  /** `stopped`: `stop()` was called (the run ended). `stuck`: nothing enabled and no timer.
   *  `budget` / `error`: wound down, then stopped (or gave up). */
  reason: 'stopped' | 'stuck' | 'budget' | 'error';
  /** Decisions taken (recorded ones; wind-down steps are not counted). */
  steps: number;
  error?: unknown;
}

/**
 * The host side of a controlled run. Its gates hold every delivery and shared-state operation
 * as a pending step; `run()` repeatedly waits for quiescence (the released operation has
 * finished, every published message has arrived and been held, no microtask is left), asks
 * for a decision, and takes it. So exactly one step runs at a time, and a run is a function of
 * its decisions.
 */
export interface ScheduleDriver {
  readonly deliveryGate: DeliveryGate;
  readonly sharedStateGate: SharedStateGate;
  readonly clock: VirtualClock;
  /** Recorded decisions taken so far. */
  readonly steps: number;
  run(): Promise<ScheduleRunEnd>;
  /** No step is taken after the current one; `run()` resolves. */
  stop(): void;
  /** Only these actors' steps (and time) are enabled from now on; undefined lifts it. */
  restrict(actors: ReadonlySet<string> | undefined): void;
  /** Fails the operations still waiting (`SCHEDULE_CLOSED`), forgets held messages and
   *  timers. */
  close(): void;
}

interface Pending {
  step: ScheduleStep;
  take(action: StepAction): void;
  cancel(err: Error): void;
}

const immediate = () => new Promise<void>((resolve) => setImmediate(resolve));
const DROP: InterceptDecision = { action: 'drop', fault: 'sched.drop' };

export function createScheduleDriver(options: ScheduleDriverOptions): ScheduleDriver {
  const { clock } = options;
  const maxSteps = options.maxSteps ?? 50_000;
  const windDownSteps = options.windDownSteps ?? 10_000;
  const channels = new Map<string, Pending[]>();
  const opCounts = new Map<string, number>();
  const idCounts = new Map<string, number>();
  // Several timers can be due at one instant: the n-th firing there is `time+<ms>.<n>`.
  const firings = new Map<number, number>();
  let seq = 0;
  let inflight = 0;
  let onIdle: (() => void) | undefined;
  let unflushed = false;
  let stopped = false;
  let closed = false;
  let steps = 0;
  let only: ReadonlySet<string> | undefined;
  let last: ScheduleStep | undefined;

  const enqueue = (p: Pending) => {
    let q = channels.get(p.step.channel);
    if (!q) channels.set(p.step.channel, (q = []));
    q.push(p);
  };
  const finished = () => {
    inflight--;
    if (inflight === 0) onIdle?.();
  };
  const uniqueId = (base: string) => {
    const n = idCounts.get(base) ?? 0;
    idCounts.set(base, n + 1);
    return n === 0 ? base : `${base}~${n}`;
  };

  const sharedStateGate: SharedStateGate = (op, run) => {
    if (closed) return Promise.reject(closedError());
    const actor = op.actor ?? '?';
    const n = (opCounts.get(actor) ?? 0) + 1;
    opCounts.set(actor, n);
    return new Promise((resolve, reject) => {
      enqueue({
        step: {
          id: `${actor}#${n} ${op.op} ${op.store}/${op.key}`,
          kind: 'op',
          actor,
          channel: `kv:${actor}`,
          seq: seq++,
        },
        take() {
          inflight++;
          // A synchronous throw is the operation's failure too, and must still finish it.
          Promise.resolve().then(run).then(resolve, reject).finally(finished);
        },
        cancel: reject,
      });
    });
  };

  const deliveryGate: DeliveryGate = {
    sent() {
      unflushed = true;
    },
    hold(env, actorId, _mode, release) {
      // After the run ends, arrivals stay held: the host is closing and must not change.
      if (closed || stopped) return true;
      const channel = `${actorId}<${env.from}${env.to === actorId ? '' : env.to}`;
      const attempt = env.attempt > 1 ? `.${env.attempt}` : '';
      enqueue({
        step: {
          id: uniqueId(`${channel}:${env.seq}${attempt}`),
          kind: 'deliver',
          actor: actorId,
          channel,
          seq: seq++,
        },
        take: (action) => (action === 'drop' ? release(DROP) : release()),
        cancel: () => undefined,
      });
      return true;
    },
  };

  const enabled = (): ScheduleStep[] => {
    const out: ScheduleStep[] = [];
    for (const q of channels.values()) {
      const head = q[0];
      if (head && (!only || only.has(head.step.actor ?? ''))) out.push(head.step);
    }
    out.sort((a, b) => a.seq - b.seq);
    const due = clock.nextDue();
    if (due !== undefined) {
      const n = firings.get(due) ?? 0;
      out.push({
        id: `time+${due - clock.originMs}${n === 0 ? '' : `.${n + 1}`}`,
        kind: 'time',
        actor: undefined,
        channel: 'time',
        seq: -1,
      });
    }
    return out;
  };

  const take = (step: ScheduleStep, action: StepAction) => {
    last = step;
    if (step.kind === 'time') {
      const due = clock.nextDue()!;
      firings.set(due, (firings.get(due) ?? 0) + 1);
      clock.fireNext();
      return;
    }
    const q = channels.get(step.channel)!;
    const p = q.shift()!;
    if (q.length === 0) channels.delete(step.channel);
    p.take(action);
  };

  /** Waits until the released step and everything it set off has run its course. */
  const settle = async () => {
    for (;;) {
      await immediate();
      if (inflight > 0) {
        await new Promise<void>((resolve) => (onIdle = resolve));
        onIdle = undefined;
        continue;
      }
      if (unflushed) {
        unflushed = false;
        await options.flush();
        continue;
      }
      return;
    }
  };

  const driver: ScheduleDriver = {
    deliveryGate,
    sharedStateGate,
    clock,
    get steps() {
      return steps;
    },
    async run() {
      let windingDown: 'budget' | 'error' | undefined;
      let error: unknown;
      let extra = 0;
      const windDown = (reason: 'budget' | 'error') => {
        windingDown = reason;
        options.onWindDown?.(reason, driver);
      };
      for (;;) {
        await settle();
        if (stopped || closed) return { reason: windingDown ?? 'stopped', steps, error };
        const now = enabled();
        if (now.length === 0) return { reason: 'stuck', steps, error };
        if (!windingDown && steps >= maxSteps) windDown('budget');
        if (windingDown) {
          if (extra++ >= windDownSteps) return { reason: windingDown, steps, error };
          take(defaultStep(now, last), 'run');
          continue;
        }
        let choice: ScheduleChoice;
        try {
          choice = await options.decide(now);
        } catch (err) {
          error = err;
          windDown('error');
          continue;
        }
        if (stopped || closed) return { reason: 'stopped', steps, error };
        const step = now.find((s) => s.id === choice.step);
        if (!step) {
          error = new RuntimeError(
            'SCHEDULE_DIVERGED',
            `decision ${steps} names ${choice.step}, which is not enabled`,
          );
          windDown('error');
          continue;
        }
        steps++;
        take(step, choice.action ?? 'run');
      }
    },
    stop() {
      stopped = true;
    },
    restrict(actors) {
      only = actors;
    },
    close() {
      if (closed) return;
      closed = true;
      stopped = true;
      const err = closedError();
      for (const q of channels.values()) for (const p of q) p.cancel(err);
      channels.clear();
      clock.close();
    },
  };
  return driver;
}

function closedError(): RuntimeError {
  return new RuntimeError('SCHEDULE_CLOSED', 'the controlled run is over; operation not run');
}
