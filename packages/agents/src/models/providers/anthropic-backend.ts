import Anthropic from '@anthropic-ai/sdk';
import type { AttemptResult, CallContext, ModelBackend } from '../call-pipeline.js';
import type { ModelMessage, ModelRequest, StopReason, ToolDefinition } from '../model-types.js';
import type { RawToolCall } from '../team-tools.js';
import {
  stainlessAttempt,
  stainlessClientOptions,
  invalidResponse,
  isRecord,
} from './provider-attempt.js';
import { toTurns } from './provider-turns.js';

type Block = Record<string, unknown>;
interface WireMessage {
  role: 'user' | 'assistant';
  content: Block[];
}

/** Our messages in the Messages API's shape: tool results travel as `tool_result` blocks of a
 *  user turn, and consecutive same-role turns merge (the API wants them alternating). */
export function toAnthropicMessages(messages: readonly ModelMessage[]): WireMessage[] {
  const out = toTurns<Block>(messages, {
    modelRole: 'assistant',
    text: (text) => ({ type: 'text', text }),
    toolResult: (m) => ({
      type: 'tool_result',
      tool_use_id: m.toolCallId,
      content: m.content,
      ...(m.isError === true ? { is_error: true } : {}),
    }),
    toolCall: (call) => ({
      type: 'tool_use',
      id: call.id,
      name: call.name,
      input: call.arguments ?? {},
    }),
  }).map((t) => ({ role: t.role as WireMessage['role'], content: t.parts }));
  // Tool results must open their user turn, before any text.
  for (const m of out) {
    if (m.role === 'user') {
      m.content.sort(
        (a, b) => Number(b['type'] === 'tool_result') - Number(a['type'] === 'tool_result'),
      );
    }
  }
  return out;
}

export function toAnthropicTools(tools: readonly ToolDefinition[]): Block[] {
  return tools.map((t) => ({
    name: t.name,
    description: t.description,
    input_schema: t.inputSchema,
  }));
}

const STOP_REASONS: Record<string, StopReason> = {
  end_turn: 'end',
  stop_sequence: 'end',
  tool_use: 'tool_use',
  max_tokens: 'max_tokens',
};

/** Reads a Messages API reply defensively: a proxy or a broken server may send anything. */
export function fromAnthropicMessage(body: unknown, latencyMs: number): AttemptResult {
  if (!isRecord(body) || !Array.isArray(body['content']) || !isRecord(body['usage'])) {
    throw invalidResponse('not a Messages API reply (no content / usage)', latencyMs);
  }
  const usage = body['usage'];
  const input = usage['input_tokens'];
  const output = usage['output_tokens'];
  if (typeof input !== 'number' || typeof output !== 'number') {
    throw invalidResponse('usage without input_tokens / output_tokens', latencyMs);
  }
  const cacheRead =
    typeof usage['cache_read_input_tokens'] === 'number' ? usage['cache_read_input_tokens'] : 0;
  const cacheWrite =
    typeof usage['cache_creation_input_tokens'] === 'number'
      ? usage['cache_creation_input_tokens']
      : 0;
  let text = '';
  const toolCalls: RawToolCall[] = [];
  for (const block of body['content'] as unknown[]) {
    if (!isRecord(block)) continue;
    if (block['type'] === 'text' && typeof block['text'] === 'string') text += block['text'];
    if (block['type'] === 'tool_use') {
      if (typeof block['id'] !== 'string' || typeof block['name'] !== 'string') {
        throw invalidResponse('tool_use block without id / name', latencyMs);
      }
      toolCalls.push({ id: block['id'], name: block['name'], arguments: block['input'] });
    }
  }
  const stop = typeof body['stop_reason'] === 'string' ? body['stop_reason'] : '';
  return {
    text,
    toolCalls,
    // The API counts cached and freshly cached input apart from `input_tokens`; ours is the total.
    usage: {
      inputTokens: input + cacheRead + cacheWrite,
      outputTokens: output,
      ...(typeof usage['cache_read_input_tokens'] === 'number' ? { cachedTokens: cacheRead } : {}),
    },
    stopReason: STOP_REASONS[stop] ?? 'other',
    latencyMs,
  };
}

export interface AnthropicBackendOptions {
  model: string;
  apiKey: string;
  baseURL?: string;
}

/** `anthropic:<model>` through @anthropic-ai/sdk, Messages API, its retries off. */
export function createAnthropicBackend(options: AnthropicBackendOptions): ModelBackend {
  const sdk = new Anthropic(stainlessClientOptions(options));
  const model = `anthropic:${options.model}`;
  return {
    model,
    timeScale: 1,
    plan(request: ModelRequest, ctx: CallContext) {
      const body = {
        model: options.model,
        max_tokens: ctx.maxOutputTokens,
        system: request.system,
        messages: toAnthropicMessages(request.messages),
        ...(request.tools.length === 0 ? {} : { tools: toAnthropicTools(request.tools) }),
      } as unknown as Anthropic.MessageCreateParamsNonStreaming;
      return {
        async attempt(_attempt, signal) {
          const { value, latencyMs } = await stainlessAttempt(Anthropic, ctx, signal, (o) =>
            sdk.messages.create(body, o),
          );
          return fromAnthropicMessage(value, latencyMs);
        },
      };
    },
  };
}
