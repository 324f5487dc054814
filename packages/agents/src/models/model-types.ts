/**
 * The one interface agents think through. Every client (real provider, simulated, replay)
 * speaks these types, so an agent cannot tell them apart.
 */

/** A tool call the model asked for. `arguments` is already parsed from JSON. */
export interface ToolCall {
  id: string;
  name: string;
  arguments: unknown;
  /** Opaque provider data that must travel back with the call when the conversation is sent
   *  again (Gemini 3 rejects a function call in the history without its thought signature).
   *  Keep it when echoing the call in an assistant message; never interpret it. */
  signature?: string;
}

/** A tool call that cannot be executed: unknown tool, unparsable or schema-failing arguments.
 *  `error` is written for the model: return it as an `isError` tool result so it can correct
 *  itself (see `invalidToolCallMessages`). */
export interface InvalidToolCall {
  id: string;
  name: string;
  error: string;
  /** What the model sent, as received (a JSON string for OpenAI, an object otherwise). */
  raw: unknown;
  /** As on `ToolCall`. */
  signature?: string;
}

export type ModelMessage =
  | { role: 'user'; content: string }
  | { role: 'assistant'; content: string; toolCalls?: ToolCall[] }
  | { role: 'tool'; toolCallId: string; name: string; content: string; isError?: boolean };

export interface ToolDefinition {
  name: string;
  description: string;
  /** JSON Schema of the arguments object. */
  inputSchema: Record<string, unknown>;
}

export type ModelPurpose = 'code' | 'coordinate' | 'review';

export interface ModelRequestMetadata {
  /** The calling agent. Calls are counted, seeded and replayed per agent. */
  agentId: string;
  taskId?: string;
  purpose?: ModelPurpose;
  turn?: number;
  /** Names a call whose draws must be its own although it shares a task and turn with others
   *  (a review: one per reviewer and vote). Added to the random key when draws are keyed by
   *  task (`randomKey: 'task'`); ignored otherwise. */
  drawKey?: string;
}

export interface ModelRequest {
  system: string;
  messages: ModelMessage[];
  tools: ToolDefinition[];
  /** Cap on the reply. Default: the client's `defaultMaxOutputTokens` (4096). */
  maxOutputTokens?: number;
  metadata?: ModelRequestMetadata;
}

export interface ModelUsage {
  /** All input tokens the call consumed, cached ones included (providers differ here; clients
   *  normalise so this is always the total). */
  inputTokens: number;
  outputTokens: number;
  /** Input tokens served from the provider's prompt cache, where the API reports them. */
  cachedTokens?: number;
}

export type StopReason = 'end' | 'tool_use' | 'max_tokens' | 'other';

export interface ModelResponse {
  /** The model id that answered (`anthropic:claude-sonnet-4-6`, `sim:gpt-5.2`, ...). */
  model: string;
  text: string;
  toolCalls: ToolCall[];
  invalidToolCalls: InvalidToolCall[];
  usage: ModelUsage;
  stopReason: StopReason;
  /** Model time from the first attempt to the reply, retries and their waits included. For a
   *  simulated or replayed model this is the modelled latency, not the compressed wall time. */
  latencyMs: number;
  /** Attempts made, 1 when the first one succeeded. */
  attempts: number;
  /** Estimated from the price table; 0 for a model it does not price. */
  costUsd: number;
}

export interface ModelCallOptions {
  /** Aborts the call, including waits between retries; the call rejects with `ABORTED`. */
  signal?: AbortSignal;
}

export interface ModelClient {
  /** The model id it was created for. */
  readonly id: string;
  call(request: ModelRequest, options?: ModelCallOptions): Promise<ModelResponse>;
  /** Aborts calls in flight and releases what the client holds (files, timers). */
  close(): Promise<void>;
}

export type AttemptOutcome =
  | 'ok'
  | 'rate_limited'
  | 'server_error'
  | 'timeout'
  | 'network_error'
  | 'client_error'
  | 'invalid_response'
  | 'budget_exceeded'
  | 'replay_mismatch'
  | 'aborted';

/** One attempt at a model call, reported as it ends: what the agent layer turns into the
 *  runtime's `llm` trace event. A call refused by the budget is reported as attempt 1 with
 *  outcome `budget_exceeded` and no tokens. */
/**
 * What an attempt was asked and, when it succeeded, answered: the call's own objects, not
 * copies, handed to `onAttempt` beside its report for OpenTelemetry's opt-in content capture
 * (`genAiContentOf`). Never stored: cassettes and traces keep the reports only.
 */
export interface AttemptContent {
  request: ModelRequest;
  response?: { text: string; toolCalls: readonly ToolCall[]; stopReason: StopReason };
}

export interface AttemptReport {
  model: string;
  agentId: string;
  taskId?: string;
  /** The agent's call counter, from 0. */
  callIndex: number;
  /** From 1. */
  attempt: number;
  outcome: AttemptOutcome;
  inputTokens: number;
  outputTokens: number;
  cachedTokens?: number;
  /** Model time of this attempt. */
  latencyMs: number;
  /** What the server asked for (Retry-After), when it did. */
  retryAfterMs?: number;
  /** The wait before the next attempt, when there will be one. */
  delayMs?: number;
  /** Model time the call waited for the team's rate limit before its first attempt. */
  limitWaitMs?: number;
  /** Estimated cost of this attempt (non-zero only for `ok`). */
  costUsd?: number;
  /** Why the model stopped (only for `ok`). */
  stopReason?: StopReason;
  error?: string;
}
