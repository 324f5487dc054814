import { TOOL_NAMES, toolJsonSchema, toolSchemas, type ToolName } from '../tools/tool-schemas.js';
import type {
  InvalidToolCall,
  ModelMessage,
  ModelResponse,
  ToolCall,
  ToolDefinition,
} from './model-types.js';

function isTeamTool(name: string): name is ToolName {
  return (TOOL_NAMES as string[]).includes(name);
}

/** Provider-neutral definitions of the team tools (all of them, or the named ones). */
const definitions = new Map<string, ToolDefinition[]>();

/** The definitions of these team tools; the same array for the same names (shared: do not
 *  change it), so what is derived from a request's tools can be kept per array. */
export function teamToolDefinitions(names: readonly ToolName[] = TOOL_NAMES): ToolDefinition[] {
  const key = names.join(',');
  let defs = definitions.get(key);
  if (!defs) {
    defs = names.map((name) => ({
      name,
      description: toolSchemas[name].description ?? name,
      inputSchema: toolJsonSchema(name),
    }));
    definitions.set(key, defs);
  }
  return defs;
}

/** A tool call as the provider sent it, before validation. `arguments` is either parsed JSON
 *  or, when the provider sent unparsable JSON, the `unparsable` text. */
export type RawToolCall = Omit<ToolCall, 'arguments'> &
  ({ arguments: unknown } | { unparsable: string; parseError: string });

/**
 * Splits a reply's tool calls into ones the agent can execute and ones it must bounce back to
 * the model. Team tools are checked against their zod schemas; other tools only have to be
 * among the request's tools (their schemas belong to whoever offered them).
 */
export function validateToolCalls(
  calls: readonly RawToolCall[],
  offered: readonly ToolDefinition[],
): { toolCalls: ToolCall[]; invalidToolCalls: InvalidToolCall[] } {
  const toolCalls: ToolCall[] = [];
  const invalidToolCalls: InvalidToolCall[] = [];
  const offeredNames = offered.map((t) => t.name);
  for (const call of calls) {
    const base = { id: call.id, name: call.name };
    const bad = (raw: unknown, error: string): void => {
      invalidToolCalls.push(
        call.signature === undefined
          ? { ...base, raw, error }
          : { ...base, raw, error, signature: call.signature },
      );
    };
    if ('unparsable' in call) {
      bad(
        call.unparsable,
        `The arguments of ${call.name} are not valid JSON (${call.parseError}). Send a JSON object matching the tool's schema.`,
      );
      continue;
    }
    if (!offeredNames.includes(call.name)) {
      bad(
        call.arguments,
        `Unknown tool "${call.name}". Available tools: ${offeredNames.join(', ') || '(none)'}.`,
      );
      continue;
    }
    if (isTeamTool(call.name)) {
      const parsed = toolSchemas[call.name].safeParse(call.arguments);
      if (!parsed.success) {
        const problems = parsed.error.issues
          .map((i) => `${i.path.length > 0 ? i.path.join('.') : '(arguments)'}: ${i.message}`)
          .join('; ');
        bad(
          call.arguments,
          `Invalid arguments for ${call.name}: ${problems}. Fix them and call the tool again.`,
        );
        continue;
      }
      toolCalls.push(withSignature({ ...base, arguments: parsed.data }, call.signature));
      continue;
    }
    toolCalls.push(withSignature({ ...base, arguments: call.arguments }, call.signature));
  }
  return { toolCalls, invalidToolCalls };
}

function withSignature(call: ToolCall, signature: string | undefined): ToolCall {
  return signature === undefined ? call : { ...call, signature };
}

/**
 * The assistant turn to append to the conversation for a reply: its text and every tool call,
 * the invalid ones included with their raw arguments (providers require each tool result to
 * answer a call of the preceding assistant turn).
 */
export function assistantMessageOf(
  response: Pick<ModelResponse, 'text' | 'toolCalls' | 'invalidToolCalls'>,
): ModelMessage {
  const toolCalls: ToolCall[] = [
    ...response.toolCalls,
    ...response.invalidToolCalls.map((bad) =>
      withSignature({ id: bad.id, name: bad.name, arguments: bad.raw }, bad.signature),
    ),
  ];
  return toolCalls.length === 0
    ? { role: 'assistant', content: response.text }
    : { role: 'assistant', content: response.text, toolCalls };
}

/** One `isError` tool result per invalid call, carrying the error written for the model so it
 *  can correct itself. Append after `assistantMessageOf(response)`. */
export function invalidToolCallMessages(
  response: Pick<ModelResponse, 'invalidToolCalls'>,
): ModelMessage[] {
  return response.invalidToolCalls.map((bad) => ({
    role: 'tool',
    toolCallId: bad.id,
    name: bad.name,
    content: bad.error,
    isError: true,
  }));
}
