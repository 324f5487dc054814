/**
 * Each provider's wire format, for the loopback server: reply bodies as the real APIs send them
 * and a reading of what the SDK sent. One fixture per provider lets a test run against all four.
 */
import type { LoopbackServer, RecordedRequest } from './loopback-server.js';

export interface WireCall {
  id: string;
  name: string;
  args?: unknown;
  /** Raw argument text, for providers that send JSON text (OpenAI). */
  rawArgs?: string;
  /** Gemini's thought signature. */
  signature?: string;
}

export interface WireReply {
  text?: string;
  calls?: WireCall[];
  /** Total input (cached included), output, cached. */
  usage?: { input: number; output: number; cached?: number };
  /** Hit the output cap. */
  truncated?: boolean;
}

export interface SeenRequest {
  model: string;
  system: string;
  toolNames: string[];
  /** Roles of the conversation as sent (provider role names). */
  roles: string[];
  maxTokens: unknown;
}

export interface ProviderFixture {
  provider: 'anthropic' | 'openai' | 'google' | 'openai-compatible';
  env: Record<string, string>;
  modelId(server: LoopbackServer): string;
  /** `options.baseURL` (openai-compatible carries it in the id). */
  baseURL(server: LoopbackServer): string | undefined;
  path: RegExp;
  ok(reply: WireReply): unknown;
  error(status: number, message: string): unknown;
  seen(request: RecordedRequest): SeenRequest;
}

type Json = Record<string, unknown>;
const obj = (v: unknown): Json => (typeof v === 'object' && v !== null ? (v as Json) : {});
const arr = (v: unknown): unknown[] => (Array.isArray(v) ? v : []);
const str = (v: unknown): string => (typeof v === 'string' ? v : '');

export const anthropicWire: ProviderFixture = {
  provider: 'anthropic',
  env: { ANTHROPIC_API_KEY: 'test-anthropic-key' },
  modelId: () => 'anthropic:claude-sonnet-4-6',
  baseURL: (s) => s.url,
  path: /^\/v1\/messages$/,
  ok: (r) => ({
    id: 'msg_1',
    type: 'message',
    role: 'assistant',
    model: 'claude-sonnet-4-6',
    content: [
      ...(r.text === undefined ? [] : [{ type: 'text', text: r.text }]),
      ...(r.calls ?? []).map((c) => ({ type: 'tool_use', id: c.id, name: c.name, input: c.args })),
    ],
    stop_reason: r.truncated ? 'max_tokens' : (r.calls?.length ?? 0) > 0 ? 'tool_use' : 'end_turn',
    stop_sequence: null,
    usage: {
      input_tokens: (r.usage?.input ?? 10) - (r.usage?.cached ?? 0),
      output_tokens: r.usage?.output ?? 5,
      cache_read_input_tokens: r.usage?.cached ?? 0,
      cache_creation_input_tokens: 0,
    },
  }),
  error: (status, message) => ({
    type: 'error',
    error: { type: status === 529 ? 'overloaded_error' : 'api_error', message },
  }),
  seen: (req) => {
    const b = obj(req.body);
    return {
      model: String(b['model']),
      system: str(b['system']),
      toolNames: arr(b['tools']).map((t) => String(obj(t)['name'])),
      roles: arr(b['messages']).map((m) => String(obj(m)['role'])),
      maxTokens: b['max_tokens'],
    };
  },
};

function openaiOk(r: WireReply): unknown {
  return {
    id: 'chatcmpl-1',
    object: 'chat.completion',
    created: 1,
    model: 'gpt-5.2',
    choices: [
      {
        index: 0,
        message: {
          role: 'assistant',
          content: r.text ?? null,
          ...((r.calls?.length ?? 0) > 0
            ? {
                tool_calls: (r.calls ?? []).map((c) => ({
                  id: c.id,
                  type: 'function',
                  function: { name: c.name, arguments: c.rawArgs ?? JSON.stringify(c.args) },
                })),
              }
            : {}),
        },
        finish_reason: r.truncated ? 'length' : (r.calls?.length ?? 0) > 0 ? 'tool_calls' : 'stop',
      },
    ],
    usage: {
      prompt_tokens: r.usage?.input ?? 10,
      completion_tokens: r.usage?.output ?? 5,
      total_tokens: (r.usage?.input ?? 10) + (r.usage?.output ?? 5),
      prompt_tokens_details: { cached_tokens: r.usage?.cached ?? 0 },
    },
  };
}

function openaiSeen(req: RecordedRequest): SeenRequest {
  const b = obj(req.body);
  const messages = arr(b['messages']).map(obj);
  return {
    model: String(b['model']),
    system: str(messages.find((m) => m['role'] === 'system')?.['content']),
    toolNames: arr(b['tools']).map((t) => String(obj(obj(t)['function'])['name'])),
    roles: messages.filter((m) => m['role'] !== 'system').map((m) => String(m['role'])),
    maxTokens: b['max_completion_tokens'] ?? b['max_tokens'],
  };
}

export const openaiWire: ProviderFixture = {
  provider: 'openai',
  env: { OPENAI_API_KEY: 'test-openai-key' },
  modelId: () => 'openai:gpt-5.2',
  baseURL: (s) => `${s.url}/v1`,
  path: /^\/v1\/chat\/completions$/,
  ok: openaiOk,
  error: (_status, message) => ({ error: { message, type: 'server_error', code: null } }),
  seen: openaiSeen,
};

export const openaiCompatibleWire: ProviderFixture = {
  ...openaiWire,
  provider: 'openai-compatible',
  env: {},
  modelId: (s) => `openai-compatible:qwen2.5-coder:7b@${s.url}/v1`,
  baseURL: () => undefined,
};

export const googleWire: ProviderFixture = {
  provider: 'google',
  env: { GEMINI_API_KEY: 'test-gemini-key' },
  modelId: () => 'google:gemini-3-flash-preview',
  baseURL: (s) => s.url,
  path: /^\/v1beta\/models\/gemini-3-flash-preview:generateContent/,
  ok: (r) => ({
    candidates: [
      {
        content: {
          role: 'model',
          parts: [
            ...(r.text === undefined ? [] : [{ text: r.text }]),
            ...(r.calls ?? []).map((c) => ({
              functionCall: { id: c.id, name: c.name, args: c.args },
              ...(c.signature === undefined ? {} : { thoughtSignature: c.signature }),
            })),
          ],
        },
        finishReason: r.truncated ? 'MAX_TOKENS' : 'STOP',
        index: 0,
      },
    ],
    usageMetadata: {
      promptTokenCount: r.usage?.input ?? 10,
      candidatesTokenCount: r.usage?.output ?? 5,
      totalTokenCount: (r.usage?.input ?? 10) + (r.usage?.output ?? 5),
      ...(r.usage?.cached === undefined ? {} : { cachedContentTokenCount: r.usage.cached }),
    },
    modelVersion: 'gemini-3-flash-preview',
  }),
  error: (status, message) => ({
    error: { code: status, message, status: status === 429 ? 'RESOURCE_EXHAUSTED' : 'INTERNAL' },
  }),
  seen: (req) => {
    const b = obj(req.body);
    const gen = obj(b['generationConfig']);
    return {
      model: /models\/([^:]+):/.exec(req.path)?.[1] ?? '',
      system: arr(obj(b['systemInstruction'])['parts'])
        .map((p) => str(obj(p)['text']))
        .join(''),
      toolNames: arr(b['tools']).flatMap((t) =>
        arr(obj(t)['functionDeclarations']).map((f) => String(obj(f)['name'])),
      ),
      roles: arr(b['contents']).map((c) => String(obj(c)['role'])),
      maxTokens: gen['maxOutputTokens'],
    };
  },
};

export const PROVIDER_FIXTURES: ProviderFixture[] = [
  anthropicWire,
  openaiWire,
  openaiCompatibleWire,
  googleWire,
];
