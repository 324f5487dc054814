import OpenAI from 'openai';
import type { AttemptResult, CallContext, ModelBackend } from '../call-pipeline.js';
import type { ModelMessage, ModelRequest, StopReason, ToolDefinition } from '../model-types.js';
import type { RawToolCall } from '../team-tools.js';
import {
  stainlessAttempt,
  stainlessClientOptions,
  invalidResponse,
  isRecord,
  parseJsonObject,
} from './provider-attempt.js';

type WireMessage = Record<string, unknown>;

/** Our messages as Chat Completions messages. The API has no error flag on tool results, so a
 *  failed tool's result says so in its text. */
export function toOpenAIMessages(system: string, messages: readonly ModelMessage[]): WireMessage[] {
  const out: WireMessage[] = system === '' ? [] : [{ role: 'system', content: system }];
  for (const m of messages) {
    if (m.role === 'user') out.push({ role: 'user', content: m.content });
    else if (m.role === 'tool') {
      out.push({
        role: 'tool',
        tool_call_id: m.toolCallId,
        content: m.isError === true ? `Error: ${m.content}` : m.content,
      });
    } else {
      const calls = (m.toolCalls ?? []).map((c) => ({
        id: c.id,
        type: 'function',
        function: {
          name: c.name,
          // An invalid call echoed back keeps the exact text the model sent.
          arguments:
            typeof c.arguments === 'string' ? c.arguments : JSON.stringify(c.arguments ?? {}),
        },
      }));
      out.push({
        role: 'assistant',
        content: m.content === '' && calls.length > 0 ? null : m.content,
        ...(calls.length === 0 ? {} : { tool_calls: calls }),
      });
    }
  }
  return out;
}

export function toOpenAITools(tools: readonly ToolDefinition[]): WireMessage[] {
  return tools.map((t) => ({
    type: 'function',
    function: { name: t.name, description: t.description, parameters: t.inputSchema },
  }));
}

const STOP_REASONS: Record<string, StopReason> = {
  stop: 'end',
  tool_calls: 'tool_use',
  function_call: 'tool_use',
  length: 'max_tokens',
};

/** Reads a Chat Completions reply; tool arguments arrive as JSON text and may not parse. */
export function fromOpenAICompletion(body: unknown, latencyMs: number): AttemptResult {
  if (!isRecord(body) || !Array.isArray(body['choices'])) {
    throw invalidResponse('not a Chat Completions reply (no choices)', latencyMs);
  }
  const choice: unknown = body['choices'][0];
  if (!isRecord(choice) || !isRecord(choice['message'])) {
    throw invalidResponse('a reply without choices[0].message', latencyMs);
  }
  const message = choice['message'];
  const usage = isRecord(body['usage']) ? body['usage'] : {};
  const input = typeof usage['prompt_tokens'] === 'number' ? usage['prompt_tokens'] : 0;
  const output = typeof usage['completion_tokens'] === 'number' ? usage['completion_tokens'] : 0;
  const details = isRecord(usage['prompt_tokens_details']) ? usage['prompt_tokens_details'] : {};
  const cached = details['cached_tokens'];
  const toolCalls: RawToolCall[] = [];
  const wireCalls: unknown[] = Array.isArray(message['tool_calls']) ? message['tool_calls'] : [];
  for (const [i, raw] of wireCalls.entries()) {
    if (!isRecord(raw) || !isRecord(raw['function'])) {
      throw invalidResponse(`tool_calls[${i}] is not a function call`, latencyMs);
    }
    const fn = raw['function'];
    const name = typeof fn['name'] === 'string' ? fn['name'] : '';
    // Some compatible servers omit ids; the result still needs one to answer.
    const id = typeof raw['id'] === 'string' && raw['id'] !== '' ? raw['id'] : `call_${i}`;
    const text =
      typeof fn['arguments'] === 'string' ? fn['arguments'] : JSON.stringify(fn['arguments'] ?? {});
    const parsed = parseJsonObject(text === '' ? '{}' : text);
    toolCalls.push(
      'error' in parsed
        ? { id, name, unparsable: text, parseError: parsed.error }
        : { id, name, arguments: parsed.value },
    );
  }
  const finish = typeof choice['finish_reason'] === 'string' ? choice['finish_reason'] : '';
  return {
    text: typeof message['content'] === 'string' ? message['content'] : '',
    toolCalls,
    usage: {
      inputTokens: input,
      outputTokens: output,
      ...(typeof cached === 'number' ? { cachedTokens: cached } : {}),
    },
    stopReason: STOP_REASONS[finish] ?? 'other',
    latencyMs,
  };
}

export interface OpenAIBackendOptions {
  /** `openai` or `openai-compatible`: the latter names the model with its base URL. */
  provider: 'openai' | 'openai-compatible';
  model: string;
  apiKey: string;
  baseURL?: string;
}

/** `openai:<model>` and `openai-compatible:<model>@<baseURL>` (vLLM, llama.cpp server, Ollama)
 *  through the openai SDK's Chat Completions, which every compatible server speaks. */
export function createOpenAIBackend(options: OpenAIBackendOptions): ModelBackend {
  const sdk = new OpenAI(stainlessClientOptions(options));
  const model =
    options.provider === 'openai'
      ? `openai:${options.model}`
      : `openai-compatible:${options.model}@${options.baseURL ?? ''}`;
  return {
    model,
    timeScale: 1,
    plan(request: ModelRequest, ctx: CallContext) {
      const body = {
        model: options.model,
        messages: toOpenAIMessages(request.system, request.messages),
        ...(request.tools.length === 0 ? {} : { tools: toOpenAITools(request.tools) }),
        // OpenAI's reasoning models refuse `max_tokens`; local servers often know only it.
        ...(options.provider === 'openai'
          ? { max_completion_tokens: ctx.maxOutputTokens }
          : { max_tokens: ctx.maxOutputTokens }),
      } as unknown as OpenAI.ChatCompletionCreateParamsNonStreaming;
      return {
        async attempt(_attempt, signal) {
          const { value, latencyMs } = await stainlessAttempt(OpenAI, ctx, signal, (o) =>
            sdk.chat.completions.create(body, o),
          );
          return fromOpenAICompletion(value, latencyMs);
        },
      };
    },
  };
}
