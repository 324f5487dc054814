import { ApiError, GoogleGenAI, type GenerateContentParameters } from '@google/genai';
import { failureForStatus } from '../attempt-failure.js';
import type { AttemptResult, CallContext, ModelBackend } from '../call-pipeline.js';
import type { ModelMessage, ModelRequest, StopReason, ToolDefinition } from '../model-types.js';
import type { RawToolCall } from '../team-tools.js';
import {
  invalidResponse,
  isRecord,
  networkFailure,
  providerAttempt,
  retryAfter,
} from './provider-attempt.js';
import { toTurns } from './provider-turns.js';

type Part = Record<string, unknown>;

/** Marks call ids we made up because Gemini sent none: they never go back to the API. */
const LOCAL_ID = 'local-';
interface WireContent {
  role: 'user' | 'model';
  parts: Part[];
}

/** Our messages as Gemini contents: tool results are `functionResponse` parts of a user turn;
 *  a call's thought signature goes back on its `functionCall` part (Gemini 3 requires it). */
export function toGeminiContents(messages: readonly ModelMessage[]): WireContent[] {
  return toTurns<Part>(messages, {
    modelRole: 'model',
    text: (text) => ({ text }),
    toolResult: (m) => ({
      functionResponse: {
        ...(m.toolCallId.startsWith(LOCAL_ID) ? {} : { id: m.toolCallId }),
        name: m.name,
        response: m.isError === true ? { error: m.content } : { output: m.content },
      },
    }),
    toolCall: (c) => ({
      functionCall: {
        ...(c.id.startsWith(LOCAL_ID) ? {} : { id: c.id }),
        name: c.name,
        args: isRecord(c.arguments) ? c.arguments : {},
      },
      ...(c.signature === undefined ? {} : { thoughtSignature: c.signature }),
    }),
  }).map((t) => ({ role: t.role as WireContent['role'], parts: t.parts }));
}

export function toGeminiTools(tools: readonly ToolDefinition[]): Part[] {
  if (tools.length === 0) return [];
  return [
    {
      functionDeclarations: tools.map((t) => ({
        name: t.name,
        description: t.description,
        parametersJsonSchema: t.inputSchema,
      })),
    },
  ];
}

/** Reads a generateContent reply. Gemini may omit call ids, so `callKey` (agent and call index)
 *  makes ones that are unique in the conversation and the same in every re-run. */
export function fromGeminiResponse(
  body: unknown,
  latencyMs: number,
  callKey: string,
): AttemptResult {
  if (!isRecord(body) || !Array.isArray(body['candidates'])) {
    throw invalidResponse('not a generateContent reply (no candidates)', latencyMs);
  }
  const candidate: unknown = body['candidates'][0];
  if (!isRecord(candidate)) throw invalidResponse('a reply with no candidate', latencyMs);
  const content = isRecord(candidate['content']) ? candidate['content'] : {};
  const parts: unknown[] = Array.isArray(content['parts']) ? content['parts'] : [];
  let text = '';
  const toolCalls: RawToolCall[] = [];
  for (const part of parts) {
    if (!isRecord(part)) continue;
    const signature =
      typeof part['thoughtSignature'] === 'string' ? part['thoughtSignature'] : undefined;
    if (typeof part['text'] === 'string' && part['thought'] !== true) text += part['text'];
    const fc = part['functionCall'];
    if (isRecord(fc)) {
      const id =
        typeof fc['id'] === 'string' && fc['id'] !== ''
          ? fc['id']
          : `${LOCAL_ID}${callKey}-${toolCalls.length}`;
      toolCalls.push({
        id,
        name: typeof fc['name'] === 'string' ? fc['name'] : '',
        arguments: fc['args'] ?? {},
        ...(signature === undefined ? {} : { signature }),
      });
    }
  }
  const usage = isRecord(body['usageMetadata']) ? body['usageMetadata'] : {};
  const num = (key: string) => (typeof usage[key] === 'number' ? usage[key] : 0);
  const finish = typeof candidate['finishReason'] === 'string' ? candidate['finishReason'] : '';
  // Gemini says STOP whether or not it called a function.
  const stopReason: StopReason =
    finish === 'MAX_TOKENS'
      ? 'max_tokens'
      : toolCalls.length > 0
        ? 'tool_use'
        : finish === 'STOP' || finish === ''
          ? 'end'
          : 'other';
  return {
    text,
    toolCalls,
    usage: {
      inputTokens: num('promptTokenCount'),
      // Thinking tokens are billed as output.
      outputTokens: num('candidatesTokenCount') + num('thoughtsTokenCount'),
      ...(typeof usage['cachedContentTokenCount'] === 'number'
        ? { cachedTokens: usage['cachedContentTokenCount'] }
        : {}),
    },
    stopReason,
    latencyMs,
  };
}

export interface GoogleBackendOptions {
  model: string;
  apiKey: string;
  baseURL?: string;
}

/** `google:<model>` through @google/genai against the Gemini API. */
export function createGoogleBackend(options: GoogleBackendOptions): ModelBackend {
  const sdk = new GoogleGenAI({
    apiKey: options.apiKey,
    vertexai: false,
    ...(options.baseURL === undefined ? {} : { httpOptions: { baseUrl: options.baseURL } }),
  });
  const model = `google:${options.model}`;
  return {
    model,
    timeScale: 1,
    plan(request: ModelRequest, ctx: CallContext) {
      const callKey = `${ctx.agentId}-${ctx.callIndex}`;
      return {
        async attempt(_attempt, signal) {
          // The SDK's ApiError drops headers; a fetch of our own keeps Retry-After.
          let errorHeaders: Headers | undefined;
          const params: GenerateContentParameters = {
            model: options.model,
            contents: toGeminiContents(request.messages),
            config: {
              ...(request.system === '' ? {} : { systemInstruction: request.system }),
              ...(request.tools.length === 0 ? {} : { tools: toGeminiTools(request.tools) }),
              maxOutputTokens: ctx.maxOutputTokens,
              httpOptions: {
                fetch: async (input: string | URL | Request, init?: RequestInit) => {
                  const res = await fetch(input, init);
                  if (!res.ok) errorHeaders = res.headers;
                  return res;
                },
              },
            },
          };
          const { value, latencyMs } = await providerAttempt(
            ctx,
            signal,
            (s) =>
              sdk.models.generateContent({
                ...params,
                config: { ...params.config, abortSignal: s },
              }),
            (error, ms) => classifyGoogleError(error, ms, ctx.clock.now(), errorHeaders),
          );
          return fromGeminiResponse(value, latencyMs, callKey);
        },
      };
    },
  };
}

/** Gemini puts the retry hint in the body (`RetryInfo.retryDelay: "12s"`) as well as, behind
 *  some proxies, in the header. */
function retryDelayFromBody(message: string): number | undefined {
  const match = /"retryDelay"\s*:\s*"(\d+(?:\.\d+)?)s"/.exec(message);
  return match?.[1] === undefined ? undefined : Math.round(Number(match[1]) * 1000);
}

function classifyGoogleError(
  error: unknown,
  latencyMs: number,
  now: number,
  headers: Headers | undefined,
) {
  if (error instanceof ApiError) {
    const fromHeader = retryAfter(headers, now);
    const fromBody = retryDelayFromBody(error.message);
    return failureForStatus(error.status, error.message, {
      latencyMs,
      cause: error,
      ...(fromHeader.retryAfterMs === undefined && fromBody !== undefined
        ? { retryAfterMs: fromBody }
        : fromHeader),
    });
  }
  if (error instanceof SyntaxError) {
    return invalidResponse(`unparsable body: ${error.message}`, latencyMs, error);
  }
  if (error instanceof TypeError) return networkFailure(error, latencyMs);
  return invalidResponse(error instanceof Error ? error.message : String(error), latencyMs, error);
}
