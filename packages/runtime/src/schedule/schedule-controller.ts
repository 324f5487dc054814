import { RuntimeError } from '../errors.js';
import type { ScheduleDeviation } from './schedule-strategies.js';
import {
  ACTOR_FAULTS,
  defaultStep,
  type ScheduleChoice,
  type ScheduleStep,
  type ScheduleStrategy,
} from './schedule-types.js';

export interface ScheduleControllerOptions {
  strategy: ScheduleStrategy;
}

/**
 * Decides, one decision point at a time, which enabled step a controlled run takes, and
 * records the choices (the schedule) and their deviations from the default order. It holds
 * no team state: hosts send it their enabled steps, directly or over NATS
 * (`serveScheduleController`), and it answers with a choice.
 */
export interface ScheduleController {
  readonly strategy: string;
  decide(enabled: readonly ScheduleStep[]): ScheduleChoice;
  /** Every decision so far, in order. */
  readonly choices: readonly ScheduleChoice[];
  /** The decisions that differ from the default order (reorderings and faults). */
  readonly deviations: readonly ScheduleDeviation[];
}

export function createScheduleController(options: ScheduleControllerOptions): ScheduleController {
  const { strategy } = options;
  const choices: ScheduleChoice[] = [];
  const deviations: ScheduleDeviation[] = [];
  let last: ScheduleStep | undefined;
  return {
    strategy: strategy.name,
    choices,
    deviations,
    decide(enabled) {
      if (enabled.length === 0) {
        throw new RuntimeError('INVALID_ARGUMENT', 'a decision needs at least one enabled step');
      }
      const index = choices.length;
      const fallback = defaultStep(enabled, last);
      const picked = strategy.choose({ index, enabled, fallback, last });
      const step = enabled.find((s) => s.id === picked.step.id);
      if (!step) {
        throw new RuntimeError(
          'INVALID_ARGUMENT',
          `strategy ${strategy.name} chose ${picked.step.id}, which is not enabled`,
        );
      }
      const fault =
        picked.action === undefined || picked.action === 'run' || step.kind === 'time'
          ? undefined
          : ACTOR_FAULTS.has(picked.action) || step.kind === 'deliver'
            ? picked.action
            : undefined;
      const choice: ScheduleChoice = fault ? { step: step.id, action: fault } : { step: step.id };
      choices.push(choice);
      if (step.id !== fallback.id || fault) {
        deviations.push({
          index,
          fallback: fallback.id,
          step: step.id,
          ...(fault ? { action: fault } : {}),
        });
      }
      last = step;
      return choice;
    },
  };
}
