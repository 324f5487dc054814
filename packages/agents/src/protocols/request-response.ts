import { fromPromise } from 'xstate';
import type { ActorRuntime, AskOptions, Envelope } from '@llm-teams/runtime';
import { hostBinding, type RuntimeBinding } from './runtime-binding.js';

/**
 * Request / response between agents: a question with a deadline, retried (same message id, so
 * the answerer deduplicates) with backoff until an answer arrives, the attempts run out or the
 * deadline passes. The outcome is typed: an answer, or `unanswered` — nothing waits forever.
 * Built on the runtime's ask (`AskOptions`: `timeoutMs`, `attemptTimeoutMs`, and `retry`, the
 * runtime's `RetryPolicy`).
 */
export const QUESTION_TYPE = 'question.ask';
export const ANSWER_TYPE = 'question.answer';

export interface QuestionBody {
  text: string;
  taskId?: string;
}

export interface AnswerBody {
  text: string;
}

export type AskOutcome<A = AnswerBody> =
  | { kind: 'answered'; from: string; body: A; envelope: Envelope }
  | { kind: 'unanswered'; to: string; reason: string };

/** The deadline and retries of a question when the caller names none: 10 s overall, 2 s per
 *  attempt, 4 attempts (the retry policy's other fields: the runtime's ask defaults). */
export const DEFAULT_QUESTION_OPTIONS: AskOptions = {
  timeoutMs: 10_000,
  attemptTimeoutMs: 2_000,
  retry: { maxAttempts: 4 },
};

/** Asks `to` and resolves with its answer or with why there is none. */
export async function askPeer<Q = QuestionBody, A = AnswerBody>(
  rt: ActorRuntime,
  to: string,
  body: Q,
  options: AskOptions & { type?: string } = {},
): Promise<AskOutcome<A>> {
  const { type = QUESTION_TYPE, ...ask } = options;
  try {
    const envelope = await rt.request(to, type, body, {
      ...DEFAULT_QUESTION_OPTIONS,
      ...ask,
      retry: { ...DEFAULT_QUESTION_OPTIONS.retry, ...ask.retry },
    });
    return { kind: 'answered', from: envelope.from, body: envelope.body as A, envelope };
  } catch (err) {
    return { kind: 'unanswered', to, reason: err instanceof Error ? err.message : String(err) };
  }
}

/** Answers a question received as `request` (its envelope). */
export function answerPeer<A = AnswerBody>(
  rt: ActorRuntime,
  request: Envelope,
  body: A,
  type = ANSWER_TYPE,
): Envelope {
  return rt.reply(request, type, body);
}

export interface AskInput<Q = QuestionBody> {
  to: string;
  body: Q;
  options?: AskOptions & { type?: string };
}

/** Actor logic that asks a question: invoke it from a machine; `onDone` gets the outcome
 *  (never `onError` for a missing answer). */
export function createAskLogic<Q = QuestionBody, A = AnswerBody>(
  binding: RuntimeBinding = hostBinding,
) {
  return fromPromise<AskOutcome<A>, AskInput<Q>>(({ input, system }) =>
    askPeer<Q, A>(binding(system), input.to, input.body, input.options),
  );
}
