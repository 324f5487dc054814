import { createRandom, nextRetryDelay, type Clock, type Random } from '@llm-teams/runtime';
import { AttemptFailure } from './attempt-failure.js';
import { isModelError, ModelError } from './model-error.js';
import type { ResolvedClientOptions } from './model-client-options.js';
import type {
  AttemptContent,
  AttemptReport,
  ModelClient,
  ModelRequest,
  ModelResponse,
  ModelUsage,
  StopReason,
} from './model-types.js';
import type { PriceTable } from './price-table.js';
import { validateToolCalls, type RawToolCall } from './team-tools.js';
import type { LimitPermit, ModelLimiter } from './limits/usage-limits.js';
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
  onAttempt: ((report: AttemptReport, content?: AttemptContent) => void) | undefined;
  ledger: UsageLedger | undefined;
  /** Team-wide limits, asked before each call (after the ledger). */
  limiter?: ModelLimiter | undefined;
  prices: PriceTable;
}

/** Characters of a tools array as JSON, per array (agents offer the same array every call). */
const toolChars = new WeakMap<readonly unknown[], number>();

/** About 4 characters a token for English and code: only a budget estimate, never billed. */
export function estimateInputTokens(request: ModelRequest): number {
  let tools = toolChars.get(request.tools);
  if (tools === undefined) {
    tools = JSON.stringify(request.tools).length;
    toolChars.set(request.tools, tools);
  }
  let chars = request.system.length + tools;
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
    // The clock's timers never hold a process open, but an awaited call is work in progress,
    // as a provider's open request is: a script awaiting a simulated reply must not exit.
    (timer as { ref?: () => void } | undefined)?.ref?.();
    signal.addEventListener('abort', onAbort, { once: true });
  });
}

function describe(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

/** A task-keyed call's stream: the task and turn, and the call's own `drawKey` if it has one
 *  (each reviewer's verdict on each vote is its own draw, not the task's). */
function taskKey(taskId: string, turn: number, drawKey: string | undefined): string {
  return `task:${taskId}#${turn}${drawKey === undefined ? '' : `/${drawKey}`}`;
}

/** One call through the pipeline: what its attempts share. */
interface OneCall {
  /** Names the call in errors: model, agent, call number. */
  who: string;
  request: ModelRequest;
  ctx: CallContext;
  base: Pick<AttemptReport, 'model' | 'agentId' | 'taskId' | 'callIndex'>;
  plan: CallPlan;
  backend: ModelBackend;
  options: PipelineOptions;
  report: (r: AttemptReport, reply?: AttemptContent['response']) => void;
  controller: AbortController;
  jitter: Random;
  /** Model time so far: limit waits, attempts and backoff. */
  modelTimeMs: number;
  permit: LimitPermit | undefined;
  reservation: UsageReservation | undefined;
}

function callContext(
  request: ModelRequest,
  agentId: string,
  callIndex: number,
  root: Random,
  options: PipelineOptions,
  model: string,
): CallContext {
  const taskId = request.metadata?.taskId;
  return {
    model,
    agentId,
    ...(taskId === undefined ? {} : { taskId }),
    callIndex,
    random:
      options.randomKey === 'task' && taskId !== undefined
        ? root.fork(taskKey(taskId, request.metadata?.turn ?? callIndex, request.metadata?.drawKey))
        : root.fork(`${agentId}#${callIndex}`),
    clock: options.clock,
    timeoutMs: options.timeoutMs,
    maxOutputTokens: request.maxOutputTokens ?? options.defaultMaxOutputTokens,
  };
}

/** The budget (ledger or team limits) refused the call before any request. */
function refused(c: OneCall, error: unknown): void {
  c.report({
    ...c.base,
    attempt: 1,
    outcome: 'budget_exceeded',
    inputTokens: 0,
    outputTokens: 0,
    latencyMs: 0,
    error: describe(error),
  });
}

/** The first attempt's report says how long the team's limits held the call. */
const limitWait = (c: OneCall, attempt: number) =>
  attempt === 1 && c.permit !== undefined && c.permit.waitedModelMs > 0
    ? { limitWaitMs: Math.round(c.permit.waitedModelMs) }
    : {};

function asAttemptFailure(error: unknown, signal: AbortSignal): AttemptFailure {
  if (signal.aborted) {
    return new AttemptFailure('aborted', 'ABORTED', 'aborted', { retryable: false, cause: error });
  }
  return error instanceof AttemptFailure
    ? error
    : new AttemptFailure('invalid_response', 'INVALID_RESPONSE', describe(error), {
        retryable: false,
        cause: error,
      });
}

/** Reports a failed attempt, then waits out its backoff, or throws when the call is over. */
async function failedAttempt(c: OneCall, attempt: number, error: unknown): Promise<void> {
  const { options } = c;
  const failure = asAttemptFailure(error, c.controller.signal);
  c.modelTimeMs += failure.latencyMs;
  const tooLong =
    failure.retryAfterMs !== undefined && failure.retryAfterMs > options.maxRetryAfterMs;
  const delayMs =
    !failure.retryable || tooLong
      ? undefined
      : nextRetryDelay(options.retry, attempt, c.modelTimeMs, c.jitter, failure.retryAfterMs);
  c.report({
    ...c.base,
    ...limitWait(c, attempt),
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
      `${c.who}: ${failure.message} (after ${attempt} attempt${attempt === 1 ? '' : 's'}${why})`,
      { cause: failure.cause ?? failure, attempts: attempt },
    );
  }
  if (!(await waitModelTime(options.clock, delayMs, c.backend.timeScale, c.controller.signal))) {
    throw aborted(c.who, attempt);
  }
  c.modelTimeMs += delayMs;
}

/** Accounts for a successful attempt (cost, usage, limits), reports it, and answers. */
async function succeeded(
  c: OneCall,
  attempt: number,
  result: AttemptResult,
): Promise<ModelResponse> {
  const { options } = c;
  const { model, agentId, callIndex, taskId } = c.ctx;
  c.modelTimeMs += result.latencyMs;
  const { toolCalls, invalidToolCalls } = validateToolCalls(result.toolCalls, c.request.tools);
  const costUsd =
    c.reservation?.commit({
      model,
      team: options.team,
      agentId,
      ...(taskId === undefined ? {} : { taskId }),
      callIndex,
      usage: result.usage,
      latencyMs: c.modelTimeMs,
      attempts: attempt,
    }) ?? options.prices.cost(model, result.usage);
  c.reservation = undefined;
  // If the bucket cannot be told, the estimate stays held: the team stops early, never late.
  await c.permit?.settle(result.usage).catch(() => undefined);
  c.report(
    {
      ...c.base,
      ...limitWait(c, attempt),
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
    },
    { text: result.text, toolCalls, stopReason: result.stopReason },
  );
  return {
    model,
    text: result.text,
    toolCalls,
    invalidToolCalls,
    usage: result.usage,
    stopReason: result.stopReason,
    latencyMs: c.modelTimeMs,
    attempts: attempt,
    costUsd,
  };
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

  async function call(
    request: ModelRequest,
    callOptions: { signal?: AbortSignal } = {},
  ): Promise<ModelResponse> {
    const agentId = request.metadata?.agentId ?? 'default';
    const callIndex = callCounts.get(agentId) ?? 0;
    callCounts.set(agentId, callIndex + 1);
    const who = `${model} (agent ${agentId}, call #${callIndex})`;
    if (closed) throw new ModelError('ABORTED', `${who}: the model client is closed`);
    const ctx = callContext(request, agentId, callIndex, root, options, model);
    const c: OneCall = {
      who,
      request,
      ctx,
      base: {
        model,
        agentId,
        ...(ctx.taskId === undefined ? {} : { taskId: ctx.taskId }),
        callIndex,
      },
      plan: backend.plan(request, ctx),
      backend,
      options,
      report: (r, response) =>
        options.onAttempt?.(r, { request, ...(response ? { response } : {}) }),
      controller: new AbortController(),
      jitter: ctx.random.fork('backoff'),
      modelTimeMs: 0,
      permit: undefined,
      reservation: undefined,
    };
    const estimate = c.plan.estimate ?? {
      inputTokens: estimateInputTokens(request),
      outputTokens: ctx.maxOutputTokens,
    };
    if (options.ledger !== undefined) {
      try {
        c.reservation = options.ledger.reserve({ ...estimate, model, agentId, team: options.team });
      } catch (error) {
        refused(c, error);
        throw error;
      }
    }
    const { controller } = c;
    const onCallerAbort = () => controller.abort(callOptions.signal?.reason);
    callOptions.signal?.addEventListener('abort', onCallerAbort, { once: true });
    if (callOptions.signal?.aborted) controller.abort(callOptions.signal.reason);
    inFlight.add(controller);
    try {
      if (options.limiter !== undefined) {
        try {
          c.permit = await options.limiter.admit(
            { ...estimate, model, agentId },
            controller.signal,
          );
        } catch (error) {
          if (isModelError(error, 'BUDGET_EXCEEDED')) refused(c, error);
          throw controller.signal.aborted ? aborted(who, 0) : error;
        }
        // Waiting for the team's rate is part of the call's model time.
        c.modelTimeMs += c.permit.waitedModelMs;
      }
      for (let attempt = 1; ; attempt++) {
        if (controller.signal.aborted) throw aborted(who, attempt - 1);
        let result: AttemptResult;
        try {
          result = await c.plan.attempt(attempt, controller.signal);
        } catch (error) {
          await failedAttempt(c, attempt, error);
          continue;
        }
        return await succeeded(c, attempt, result);
      }
    } finally {
      c.reservation?.release();
      await c.permit?.release().catch(() => undefined);
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
