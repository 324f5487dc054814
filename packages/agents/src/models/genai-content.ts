import type { GenAiContent, GenAiMessage, GenAiPart } from '@llm-teams/runtime';
import type { AttemptContent, ModelMessage, StopReason, ToolCall } from './model-types.js';

/**
 * A model attempt's content in the OpenTelemetry GenAI conventions' message shape (system
 * instructions, input and output messages of parts), for a `chat` span whose telemetry
 * captures content. Built only when asked (`TraceDetail.genAiContent`).
 */
export function genAiContentOf(content: AttemptContent): GenAiContent {
  const { request, response } = content;
  return {
    ...(request.system ? { systemInstructions: [text(request.system)] } : {}),
    input: request.messages.map(messageOf),
    ...(response
      ? {
          output: [
            {
              role: 'assistant',
              parts: assistantParts(response.text, response.toolCalls),
              finish_reason: FINISH_REASONS[response.stopReason],
            },
          ],
        }
      : {}),
  };
}

/** Stop reasons in the conventions' words. */
const FINISH_REASONS: Record<StopReason, string> = {
  end: 'stop',
  tool_use: 'tool_call',
  max_tokens: 'length',
  other: 'other',
};

const text = (content: string): GenAiPart => ({ type: 'text', content });

function assistantParts(content: string, toolCalls: readonly ToolCall[] | undefined): GenAiPart[] {
  const parts: GenAiPart[] = content ? [text(content)] : [];
  for (const c of toolCalls ?? []) {
    parts.push({ type: 'tool_call', id: c.id, name: c.name, arguments: c.arguments });
  }
  return parts;
}

function messageOf(m: ModelMessage): GenAiMessage {
  switch (m.role) {
    case 'user':
      return { role: 'user', parts: [text(m.content)] };
    case 'assistant':
      return { role: 'assistant', parts: assistantParts(m.content, m.toolCalls) };
    case 'tool':
      return {
        role: 'tool',
        parts: [{ type: 'tool_call_response', id: m.toolCallId, response: m.content }],
      };
  }
}
