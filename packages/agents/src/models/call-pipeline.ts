import { createRandom, nextRetryDelay, type Clock, type Random } from '@llm-teams/runtime';
import { AttemptFailure } from './attempt-failure.js';
import { ModelError } from './model-error.js';
import type { ResolvedClientOptions } from './model-client-options.js';
import type {
  AttemptReport,
  ModelClient,
  ModelRequest,
  ModelResponse,
  ModelUsage,
  StopReason,
} from './model-types.js';
import type { PriceTable } from './price-table.js';
import { validateToolCalls, type RawToolCall } from './team-tools.js';
import type { UsageLedger, UsageReservation } from './usage-ledger.js';

/** What a backend knows about the call it is asked to make. */
export interface CallContext {
  model: string;
  agentId: string;
  taskId?: string;
  /** The agent's call counter, from 0: with `agentId` it keys seeds and cassettes, so neither
   *  depends on how agents interleave. */
  callIndex: number;
  /** This call's own stream, forked from the seed by (agent, call index). */
  random: Random;
  clock: Clock;
  timeoutMs: number;
  maxOutputTokens: number;
}

export interface AttemptResult {
  text: string;
  toolCalls: RawToolCall[];
  usage: ModelUsage;
  stopReason: StopReason;
  /** Model time of the attempt. */
  latencyMs: number;
}

/** One call, planned: an optional usage estimate for the budget, then attempts. */
export interface CallPlan {
  /** Default: input estimated from the request's size, output = `maxOutputTokens`. */
  estimate?: { inputTokens: number; outputTokens: number };
  /** Throws `AttemptFailure` (or anything; unknown errors end the call as INVALID_RESPONSE). */
  attempt(attempt: number, signal: AbortSignal): Promise<AttemptResult>;
}

/** A provider, simulated or real, reduced to what differs between them. */
export interface ModelBackend {
  readonly model: string;
  /** Real wait per model ms (1 for real providers). */
  readonly timeScale: number;
  /** May throw a `ModelError` (a request the backend cannot serve). */
  plan(request: ModelRequest, ctx: CallContext): CallPlan;
  close?(): Promise<void>;
}

export interface PipelineOptions extends ResolvedClientOptions {
  onAttempt: ((report: AttemptReport) => void) | undefined;
  ledger: UsageLedger | undefined;
  prices: PriceTable;
}

/** About 4 characters a token for English and code: only a budget estimate, never billed. */
export function estimateInputTokens(request: ModelRequest): number {
  let chars = request.system.length + JSON.stringify(request.tools).length;
  for (const m of request.messages) {
    chars += m.content.length + 8;
    if (m.role === 'assistant' && m.toolCalls !== undefined) {
      chars += JSON.stringify(m.toolCalls).length;
    }
  }
  return Math.ceil(chars / 4);
}

/** Waits `modelMs` of model time on the clock, scaled; resolves early (with false) on abort. */
export function waitModelTime(
  clock: Clock,
  modelMs: number,
  timeScale: number,
  signal: AbortSignal,
): Promise<boolean> {
  const realMs = modelMs * timeScale;
  if (signal.aborted) return Promise.resolve(false);
  if (!(realMs > 0)) return Promise.resolve(true);
  return new Promise((resolve) => {
    const onAbort = () => {
      clock.clearTimeout(timer);
      resolve(false);
    };
    const timer = clock.setTimeout(() => {
      signal.removeEventListener('abort', onAbort);
      resolve(true);
    }, realMs);
    signal.addEventListener('abort', onAbort, { once: true });
  });
}

function describe(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

/**
 * A `ModelClient` around a backend: per-agent call counters and seeded streams, the budget
 * check before any request, attempts with timeouts, Retry-After and backoff with seeded jitter
 * (the SDKs' own retries are off, so every attempt is counted and reported), tool-call
 * validation, cost and usage accounting.
 */
export function createPipelineClient(backend: ModelBackend, options: PipelineOptions): ModelClient {
  const root = createRandom(options.seed);
  const callCounts = new Map<string, number>();
  const inFlight = new Set<AbortController>();
  let closed = false;
  const model = backend.model;

  const report = (r: AttemptReport) => options.onAttempt?.(r);

  async function call(
    request: ModelRequest,
    callOptions: { signal?: AbortSignal } = {},
  ): Promise<ModelResponse> {
    const agentId = request.metadata?.agentId ?? 'default';
    const taskId = request.metadata?.taskId;
    const callIndex = callCounts.get(agentId) ?? 0;
    callCounts.set(agentId, callIndex + 1);
    const who = `${model} (agent ${agentId}, call #${callIndex})`;
    if (closed) throw new ModelError('ABORTED', `${who}: the model client is closed`);

    const ctx: CallContext = {
      model,
      agentId,
      ...(taskId === undefined ? {} : { taskId }),
      callIndex,
      random:
        options.randomKey === 'task' && taskId !== undefined
          ? root.fork(`task:${taskId}#${request.metadata?.turn ?? callIndex}`)
          : root.fork(`${agentId}#${callIndex}`),
      clock: options.clock,
      timeoutMs: options.timeoutMs,
      maxOutputTokens: request.maxOutputTokens ?? options.defaultMaxOutputTokens,
    };
    const base = { model, agentId, ...(taskId === undefined ? {} : { taskId }), callIndex };
    const plan = backend.plan(request, ctx);

    let reservation: UsageReservation | undefined;
    if (options.ledger !== undefined) {
      const estimate = plan.estimate ?? {
        inputTokens: estimateInputTokens(request),
        outputTokens: ctx.maxOutputTokens,
      };
      try {
        reservation = options.ledger.reserve({ ...estimate, model, agentId, team: options.team });
      } catch (error) {
        report({
          ...base,
          attempt: 1,
          outcome: 'budget_exceeded',
          inputTokens: 0,
          outputTokens: 0,
          latencyMs: 0,
          error: describe(error),
        });
        throw error;
      }
    }

    const controller = new AbortController();
    const onCallerAbort = () => controller.abort(callOptions.signal?.reason);
    callOptions.signal?.addEventListener('abort', onCallerAbort, { once: true });
    if (callOptions.signal?.aborted) controller.abort(callOptions.signal.reason);
    inFlight.add(controller);
    const jitter = ctx.random.fork('backoff');
    let modelTimeMs = 0;
    try {
      for (let attempt = 1; ; attempt++) {
        if (controller.signal.aborted) throw aborted(who, attempt - 1);
        let result: AttemptResult;
        try {
          result = await plan.attempt(attempt, controller.signal);
        } catch (error) {
          const failure = controller.signal.aborted
            ? new AttemptFailure('aborted', 'ABORTED', 'aborted', {
                retryable: false,
                cause: error,
              })
            : error instanceof AttemptFailure
              ? error
              : new AttemptFailure('invalid_response', 'INVALID_RESPONSE', describe(error), {
                  retryable: false,
                  cause: error,
                });
          modelTimeMs += failure.latencyMs;
          const tooLong =
            failure.retryAfterMs !== undefined && failure.retryAfterMs > options.maxRetryAfterMs;
          const delayMs =
            !failure.retryable || tooLong
              ? undefined
              : nextRetryDelay(options.retry, attempt, modelTimeMs, jitter, failure.retryAfterMs);
          report({
            ...base,
            attempt,
            outcome: failure.outcome,
            inputTokens: 0,
            outputTokens: 0,
            latencyMs: failure.latencyMs,
            ...(failure.retryAfterMs === undefined ? {} : { retryAfterMs: failure.retryAfterMs }),
            ...(delayMs === undefined ? {} : { delayMs }),
            error: failure.message,
          });
          if (delayMs === undefined) {
            const why = tooLong
              ? `; Retry-After ${failure.retryAfterMs}ms exceeds maxRetryAfterMs ${options.maxRetryAfterMs}`
              : '';
            throw new ModelError(
              failure.code,
              `${who}: ${failure.message} (after ${attempt} attempt${attempt === 1 ? '' : 's'}${why})`,
              { cause: failure.cause ?? failure, attempts: attempt },
            );
          }
          if (
            !(await waitModelTime(options.clock, delayMs, backend.timeScale, controller.signal))
          ) {
            throw aborted(who, attempt);
          }
          modelTimeMs += delayMs;
          continue;
        }
        modelTimeMs += result.latencyMs;
        const { toolCalls, invalidToolCalls } = validateToolCalls(result.toolCalls, request.tools);
        const costUsd =
          reservation?.commit({
            model,
            team: options.team,
            agentId,
            ...(taskId === undefined ? {} : { taskId }),
            callIndex,
            usage: result.usage,
            latencyMs: modelTimeMs,
            attempts: attempt,
          }) ?? options.prices.cost(model, result.usage);
        reservation = undefined;
        report({
          ...base,
          attempt,
          outcome: 'ok',
          inputTokens: result.usage.inputTokens,
          outputTokens: result.usage.outputTokens,
          ...(result.usage.cachedTokens === undefined
            ? {}
            : { cachedTokens: result.usage.cachedTokens }),
          latencyMs: result.latencyMs,
          costUsd,
          stopReason: result.stopReason,
        });
        return {
          model,
          text: result.text,
          toolCalls,
          invalidToolCalls,
          usage: result.usage,
          stopReason: result.stopReason,
          latencyMs: modelTimeMs,
          attempts: attempt,
          costUsd,
        };
      }
    } finally {
      reservation?.release();
      inFlight.delete(controller);
      callOptions.signal?.removeEventListener('abort', onCallerAbort);
    }
  }

  return {
    id: model,
    call,
    async close() {
      closed = true;
      for (const c of inFlight) c.abort(new ModelError('ABORTED', 'model client closed'));
      inFlight.clear();
      await backend.close?.();
    },
  };
}

function aborted(who: string, attempts: number): ModelError {
  return new ModelError('ABORTED', `${who}: aborted`, { attempts });
}
