import type { TraceDetail, TracePayload } from '@llm-teams/runtime';
import { genAiContentOf } from './genai-content.js';
import type { AttemptContent, AttemptReport } from './model-types.js';

/** A model attempt as the `llm` trace event its agent records. */
export function llmTraceOf(r: AttemptReport): TracePayload<'llm'> {
  return {
    kind: 'llm',
    model: r.model,
    inputTokens: r.inputTokens,
    outputTokens: r.outputTokens,
    ...(r.cachedTokens !== undefined ? { cachedTokens: r.cachedTokens } : {}),
    latencyMs: r.latencyMs,
    attempt: r.attempt,
    outcome: r.outcome,
    callIndex: r.callIndex,
    ...(r.taskId !== undefined ? { taskId: r.taskId } : {}),
    ...(r.error !== undefined ? { error: r.error } : {}),
    ...(r.costUsd !== undefined ? { costUsd: r.costUsd } : {}),
    ...(r.stopReason !== undefined ? { finishReason: r.stopReason } : {}),
    ...(r.limitWaitMs !== undefined ? { limitWaitMs: r.limitWaitMs } : {}),
  };
}

/**
 * What the host's OpenTelemetry alone sees of an attempt (its prompt and completion, built
 * only if content capture asks for it); never written to the trace.
 */
export function llmTraceDetailOf(content: AttemptContent | undefined): TraceDetail | undefined {
  return content ? { genAiContent: () => genAiContentOf(content) } : undefined;
}
