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
import type { ScheduleDriver, ScheduleDriverOptions } from './schedule-driver-types.js';

interface Pending {
  step: ScheduleStep;
  /** A delivery's sender (a paused sender's messages wait). */
  from?: string;
  /** A shared-state read: its op number, store and key (reads issued together merge). */
  read?: { n: number; store: string };
  take(action: StepAction): void;
  cancel(err: Error): void;
}

/** Operations that change nothing: an actor's reads pending together are one step. */
const READS = new Set(['get']);

const immediate = () => new Promise<void>((resolve) => setImmediate(resolve));
const DROP: InterceptDecision = { action: 'drop', fault: 'sched.drop' };
const REDELIVERED: InterceptDecision = { action: 'duplicate', copies: 0, fault: 'sched.redeliver' };

export function createScheduleDriver(options: ScheduleDriverOptions): ScheduleDriver {
  const { clock } = options;
  const tick = options.tick ?? immediate;
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
  const pauseMs = options.pauseMs ?? 3000;
  const jumpMs = options.jumpMs ?? 1000;
  // A crash that could not be applied ends the run as an error (a replay would diverge).
  let crashError: unknown;
  // Actors stopped by a `pause` fault, until a virtual instant.
  const paused = new Map<string, number>();
  const isPaused = (actor: string | undefined) => {
    if (actor === undefined) return false;
    const until = paused.get(actor);
    if (until === undefined) return false;
    if (clock.now() < until) return true;
    paused.delete(actor);
    return false;
  };
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
        ...(READS.has(op.op) ? { read: { n, store: op.store } } : {}),
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
      const id = uniqueId(`${channel}:${env.seq}${attempt}`);
      const step = (stepId: string): ScheduleStep => ({
        id: stepId,
        kind: 'deliver',
        actor: actorId,
        channel,
        seq: seq++,
      });
      enqueue({
        step: step(id),
        from: env.from,
        take: (action) => {
          if (action === 'drop') {
            release(DROP);
            return;
          }
          release();
          if (action !== 'redeliver') return;
          // The copy a lost ack brings back: a step of its own; once is enough.
          enqueue({
            step: step(`${id}+r`),
            from: env.from,
            take: (again) => {
              if (again !== 'drop') release(REDELIVERED);
            },
            cancel: () => undefined,
          });
        },
        cancel: () => undefined,
      });
      return true;
    },
  };

  /**
   * The step at the head of a channel: its oldest pending entry, or, when that is a read, it
   * and the reads of the same store queued right behind it — issued together (a board scan's
   * gets in one `Promise.all`), they go out together, as one step
   * (`a1#2-7 get board/*`: operations 2 to 7, any key of the store).
   */
  const headOf = (q: readonly Pending[]): { step: ScheduleStep; count: number } => {
    const head = q[0]!;
    const read = head.read;
    let count = 1;
    while (read && q[count]?.read?.store === read.store) count++;
    if (count === 1) return { step: head.step, count };
    const last = q[count - 1]!.read!.n;
    const id = `${head.step.actor}#${read!.n}-${last} get ${read!.store}/*`;
    return { step: { ...head.step, id }, count };
  };

  const marked = (step: ScheduleStep): ScheduleStep =>
    step.actor !== undefined && options.crashable?.(step.actor) === false
      ? { ...step, crashable: false }
      : step;

  const enabled = (): ScheduleStep[] => {
    const out: ScheduleStep[] = [];
    for (const q of channels.values()) {
      const head = q[0];
      if (!head || (only && !only.has(head.step.actor ?? ''))) continue;
      if (paused.size > 0 && (isPaused(head.step.actor) || isPaused(head.from))) continue;
      out.push(marked(headOf(q).step));
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
      // A timer may publish what no gate sees (a heartbeat): flush, so it has arrived
      // before the next decision.
      unflushed = true;
      return;
    }
    if (action === 'jump' && step.actor !== undefined) {
      if (!options.onJump) throw new RuntimeError('INVALID_ARGUMENT', 'no clocks to jump');
      options.onJump(step.actor, jumpMs);
      return;
    }
    if (action === 'crash' && step.actor !== undefined) {
      const crash = options.onCrash;
      if (!crash) throw new RuntimeError('INVALID_ARGUMENT', 'no actors to crash');
      if (step.crashable === false)
        throw new RuntimeError(
          'INVALID_ARGUMENT',
          `${step.actor} cannot be crashed: nothing restores it`,
        );
      inflight++;
      const actor = step.actor;
      // Its restart re-subscribes and reads its checkpoint: quiescence waits for all of it.
      Promise.resolve()
        .then(() => crash(actor))
        .catch((err: unknown) => (crashError ??= err))
        .finally(finished);
      return;
    }
    if (action === 'pause' && step.actor !== undefined) {
      const until = clock.now() + pauseMs;
      paused.set(step.actor, until);
      // A timer at the wake-up, so time can get there when nothing else is due.
      clock.setTimeout(() => undefined, pauseMs);
      options.onPause?.(step.actor, until);
      return;
    }
    const q = channels.get(step.channel)!;
    const taken = q.splice(0, headOf(q).count);
    if (q.length === 0) channels.delete(step.channel);
    for (const p of taken) p.take(action);
  };

  /** Waits until the released step and everything it set off has run its course. */
  const settle = async () => {
    for (;;) {
      await tick();
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
        if (crashError !== undefined && !windingDown) {
          error = crashError;
          windDown('error');
        }
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
        try {
          take(step, choice.action ?? 'run');
        } catch (err) {
          error = err;
          windDown('error');
        }
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
