import type { ModelMessage, ToolCall } from '../model-types.js';

type ToolMessage = Extract<ModelMessage, { role: 'tool' }>;

/** How one provider writes each piece of a conversation. */
export interface TurnShape<P> {
  /** The provider's name for the model's turns (`assistant`, `model`). */
  modelRole: string;
  text(text: string): P;
  toolResult(m: ToolMessage): P;
  toolCall(call: ToolCall): P;
}

/** One turn in a provider's shape. */
export interface Turn<P> {
  role: string;
  parts: P[];
}

/**
 * Our messages as a provider's alternating turns: a tool result is a part of a user turn, the
 * model's text comes before its calls, consecutive same-role turns merge (the providers want
 * them alternating), and a model turn with nothing in it says `(no reply)`.
 */
export function toTurns<P>(messages: readonly ModelMessage[], shape: TurnShape<P>): Turn<P>[] {
  const out: Turn<P>[] = [];
  const push = (role: string, parts: P[]) => {
    const last = out[out.length - 1];
    if (last !== undefined && last.role === role) last.parts.push(...parts);
    else out.push({ role, parts });
  };
  for (const m of messages) {
    if (m.role === 'user') push('user', [shape.text(m.content)]);
    else if (m.role === 'tool') push('user', [shape.toolResult(m)]);
    else {
      const parts: P[] = m.content === '' ? [] : [shape.text(m.content)];
      for (const call of m.toolCalls ?? []) parts.push(shape.toolCall(call));
      push(shape.modelRole, parts.length === 0 ? [shape.text('(no reply)')] : parts);
    }
  }
  return out;
}
