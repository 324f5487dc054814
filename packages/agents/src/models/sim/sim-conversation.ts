/**
 * How a simulated model reads a conversation: its own earlier tool calls paired with their
 * results. Results are free text written by the agent layer, so they are read leniently (JSON
 * fields first, then words); docs/models.md lists what is recognised.
 */
import type { ModelMessage } from '../model-types.js';

export interface ToolEvent {
  name: string;
  args: Record<string, unknown>;
  /** Index of the assistant message that made the call. */
  at: number;
  result?: { content: string; isError: boolean };
}

/** Every tool call of the conversation in order, with its result when one came back. */
export function toolTimeline(messages: readonly ModelMessage[]): ToolEvent[] {
  const events: ToolEvent[] = [];
  const byId = new Map<string, ToolEvent>();
  messages.forEach((m, at) => {
    if (m.role === 'assistant') {
      for (const call of m.toolCalls ?? []) {
        const args =
          typeof call.arguments === 'object' &&
          call.arguments !== null &&
          !Array.isArray(call.arguments)
            ? (call.arguments as Record<string, unknown>)
            : {};
        const event: ToolEvent = { name: call.name, args, at };
        events.push(event);
        byId.set(call.id, event);
      }
    } else if (m.role === 'tool') {
      const event = byId.get(m.toolCallId);
      if (event !== undefined) event.result = { content: m.content, isError: m.isError === true };
    }
  });
  return events;
}

function asJson(content: string): Record<string, unknown> | undefined {
  const text = content.trim();
  if (!text.startsWith('{')) return undefined;
  try {
    const value: unknown = JSON.parse(text);
    return typeof value === 'object' && value !== null && !Array.isArray(value)
      ? (value as Record<string, unknown>)
      : undefined;
  } catch {
    return undefined;
  }
}

const OK_FIELDS = ['ok', 'success', 'granted', 'claimed', 'written', 'done'];

/** Whether a write / claim / completion went through. */
export function succeeded(result: ToolEvent['result']): boolean {
  if (result === undefined || result.isError) return false;
  const json = asJson(result.content);
  if (json !== undefined) {
    for (const field of OK_FIELDS) {
      if (typeof json[field] === 'boolean') return json[field];
    }
    if (json['refused'] === true || json['conflict'] === true) return false;
    if (json['error'] !== undefined && json['error'] !== null && json['error'] !== false)
      return false;
    return true;
  }
  return !/^\W*(refused|conflict|rejected|denied|error|failed|cannot|not allowed)\b/i.test(
    result.content,
  );
}

/** Whether a test run passed: JSON `passed` / `ok`, a TAP summary (`# fail 0`), then words. */
export function testsPassed(result: ToolEvent['result']): boolean {
  if (result === undefined || result.isError) return false;
  const json = asJson(result.content);
  if (json !== undefined) {
    for (const field of ['passed', 'pass', 'ok', 'success']) {
      if (typeof json[field] === 'boolean') return json[field];
    }
    for (const field of ['failed', 'failures', 'fail']) {
      if (typeof json[field] === 'number') return json[field] === 0;
    }
  }
  const tap = /#\s*fail\s+(\d+)/i.exec(result.content);
  if (tap?.[1] !== undefined) return Number(tap[1]) === 0;
  if (/\b(fail|failed|failing|failure|failures|not ok)\b/i.test(result.content)) return false;
  return /\b(pass|passed|passes|passing|ok)\b/i.test(result.content);
}

/** The file text of a `read_file` result: JSON `content`, else the whole text. */
export function readContent(result: ToolEvent['result']): string | undefined {
  if (result === undefined || result.isError) return undefined;
  const json = asJson(result.content);
  if (json !== undefined && typeof json['content'] === 'string') return json['content'];
  return result.content;
}

/** Index of the last user message (-1 if none): where the current turn's instructions are. */
export function lastUserIndex(messages: readonly ModelMessage[]): number {
  for (let i = messages.length - 1; i >= 0; i--) {
    if (messages[i]?.role === 'user') return i;
  }
  return -1;
}

/** A line quoting a teammate's message, as agents' prompts show them (`- from a2: ...`). */
const PEER_LINE = /^- from [A-Za-z0-9_.-]+: .*$/gm;

/**
 * Characters of teammates' messages the request carries: every quoted line in its user
 * messages, each time it is there (a request re-sends the whole conversation, and the model
 * reads all of it). What a team's coordination adds to an agent's context.
 */
export function peerMessageChars(messages: readonly ModelMessage[]): number {
  let chars = 0;
  for (const m of messages) {
    if (m.role !== 'user') continue;
    for (const line of m.content.match(PEER_LINE) ?? []) chars += line.length;
  }
  return chars;
}
