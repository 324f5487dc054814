import type { RunningTeam } from '@llm-teams/agents';
import { nameMatcher, type Clock, type FaultInjector, type TimerHandle } from '@llm-teams/runtime';
import type { FaultTrigger } from './fault-kinds.js';

export interface TriggerContext {
  clock: Clock;
  injector: FaultInjector;
  /** Needed by state triggers only (a message trigger can count before the team is up). */
  team?: RunningTeam;
  /** Real time of model time 0. */
  runStartMs: number;
  /** Real ms per model ms. */
  timeScale: number;
}

/** How often a state trigger looks for a new incarnation of its actor (after a restart). */
const REATTACH_MS = 50;

/**
 * Calls `fire` once, when the trigger says (at once without one). Returns a function that
 * disarms it. Model time `t` is real time `runStartMs + t * timeScale`: agents pace real time
 * to their model clocks, so by then no agent's model clock has passed t. Messages are counted
 * from arming, on this process's host, at their first transmission. States are watched through
 * the actor's xstate subscription, so even a state held for a moment is seen.
 */
export function armTrigger(
  trigger: FaultTrigger | undefined,
  ctx: TriggerContext,
  fire: () => void,
): () => void {
  let done = false;
  const once = () => {
    if (done) return;
    done = true;
    disarm();
    fire();
  };
  let disarm: () => void = () => undefined;
  if (trigger === undefined) {
    once();
  } else if ('at' in trigger) {
    const wait = ctx.runStartMs + trigger.at * ctx.timeScale - ctx.clock.now();
    const timer = ctx.clock.setTimeout(once, Math.max(0, wait));
    disarm = () => ctx.clock.clearTimeout(timer);
  } else if ('after' in trigger) {
    const { messages, from, to, type } = trigger.after;
    const [f, t, y] = [nameMatcher(from), nameMatcher(to), nameMatcher(type)];
    let seen = 0;
    disarm = ctx.injector.onMessage((env) => {
      if (f(env.from) && t(env.to) && y(env.type) && ++seen >= messages) queueMicrotask(once);
    });
  } else {
    const team = ctx.team;
    if (!team) throw new Error('a state trigger needs the running team');
    disarm = watchState(team, ctx.clock, trigger.when.actor, trigger.when.state, () =>
      queueMicrotask(once),
    );
  }
  return () => {
    done = true;
    disarm();
  };
}

type Watchable = {
  getSnapshot(): unknown;
  subscribe(observer: { next: (s: unknown) => void; error: () => void }): { unsubscribe(): void };
};

function inState(snapshot: unknown, state: string): boolean {
  const s = snapshot as { matches?: (v: string) => boolean } | undefined;
  try {
    return typeof s?.matches === 'function' && s.matches(state);
  } catch {
    return false;
  }
}

function watchState(
  team: RunningTeam,
  clock: Clock,
  actor: string,
  state: string,
  hit: () => void,
) {
  let ref: Watchable | undefined;
  let sub: { unsubscribe(): void } | undefined;
  let timer: TimerHandle;
  let stopped = false;
  const attach = () => {
    if (stopped) return;
    const current = team.actor(actor)?.ref as Watchable | undefined;
    if (current && current !== ref) {
      sub?.unsubscribe();
      ref = current;
      if (inState(ref.getSnapshot(), state)) hit();
      sub = ref.subscribe({
        next: (snapshot) => {
          if (inState(snapshot, state)) hit();
        },
        // The actor's own supervision handles its errors.
        error: () => undefined,
      });
    }
    timer = clock.setTimeout(attach, REATTACH_MS);
  };
  attach();
  return () => {
    stopped = true;
    clock.clearTimeout(timer);
    sub?.unsubscribe();
  };
}
