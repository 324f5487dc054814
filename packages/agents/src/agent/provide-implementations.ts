import type { AnyStateMachine } from 'xstate';

/** The methods xstate's `StateMachine` binds to itself in its constructor. */
const BOUND = [
  'transition',
  'getInitialSnapshot',
  'getPersistedSnapshot',
  'restoreSnapshot',
  'start',
];

/**
 * `provideImplementations(chart)(implementations)` is `chart.provide(implementations)` without
 * building the chart again. xstate's `provide` constructs a new machine from the config: every
 * state node and transition parsed anew, about half a millisecond for the agent chart, once per
 * member per team (a tenth of a controlled schedule's setup). The chart's structure never
 * changes, only what its names are bound to; xstate looks implementations up on the snapshot's
 * machine (`snapshot.machine.implementations`), and the snapshot's machine is the one whose
 * `transition` made it. So this machine shares the chart's state nodes, has implementations of
 * its own (merged as `provide` merges them), and its own bound entry points, so its snapshots
 * name it.
 *
 * Relies on xstate v5's `StateMachine` (the bound methods above, `implementations`); its test
 * and the agent and coordinator machine tests run through it.
 */
export function provideImplementations<M extends AnyStateMachine>(
  chart: M,
): (implementations: Parameters<M['provide']>[0]) => M {
  // Curried, so the chart's types are known when the implementations are checked.
  return (implementations) => withImplementations(chart, implementations);
}

function withImplementations<M extends AnyStateMachine>(
  chart: M,
  implementations: Parameters<M['provide']>[0],
): M {
  const base = chart.implementations;
  const machine = Object.create(chart) as M;
  const own = machine as unknown as Record<string, unknown>;
  own.implementations = {
    actions: { ...base.actions, ...implementations.actions },
    guards: { ...base.guards, ...implementations.guards },
    actors: { ...base.actors, ...implementations.actors },
    delays: { ...base.delays, ...implementations.delays },
  };
  // The class's own methods, unbound (a chart made here has bound copies of its own).
  const proto = (chart.constructor as { prototype: Record<string, unknown> }).prototype;
  for (const name of BOUND) {
    const method = proto[name];
    if (typeof method !== 'function') {
      throw new Error(`provideImplementations: xstate's StateMachine has no ${name}()`);
    }
    own[name] = (method as (...args: unknown[]) => unknown).bind(machine);
  }
  return machine;
}
