/**
 * Cassettes: every model exchange of a run, one JSON line per call, so a run can be replayed
 * without keys or network. Calls are keyed by (agent, the agent's call index) and checked by a
 * digest of the request, so concurrency between agents does not matter. Format: docs/models.md.
 */
import { createHash } from 'node:crypto';
import type { ModelErrorCode } from '../model-error.js';
import type { AttemptReport, ModelMessage, ModelRequest, ModelResponse } from '../model-types.js';

// 2: tool results enter the digest without their timings (stableToolContent).
export const CASSETTE_VERSION = 2;

/** A short account of one message, so a divergence can be described without the full text. */
export interface MessageSummary {
  role: ModelMessage['role'];
  digest: string;
  /** The start of the content, or the tool calls it makes. */
  preview: string;
}

export interface CassetteRecord {
  v: number;
  key: { agentId: string; callIndex: number };
  /** The model that answered when recording (`sim:gpt-5.2`, `anthropic:...`). */
  model: string;
  /** sha256 of the normalised request (model, system, messages, tools). */
  digest: string;
  request: {
    systemDigest: string;
    tools: string[];
    toolsDigest: string;
    messages: MessageSummary[];
    taskId?: string;
    purpose?: string;
  };
  /** Every attempt as reported while recording (replay reports them again). */
  attempts: AttemptReport[];
  response?: ModelResponse;
  error?: { code: ModelErrorCode; message: string; attempts: number };
}

/** JSON with object keys sorted at every depth and `undefined` dropped: equal requests give
 *  equal text whatever order their fields were built in. */
export function canonicalJson(value: unknown): string {
  return JSON.stringify(value, (_key, v: unknown) => {
    if (v === null || typeof v !== 'object' || Array.isArray(v)) return v;
    const sorted: Record<string, unknown> = {};
    for (const k of Object.keys(v).sort()) sorted[k] = (v as Record<string, unknown>)[k];
    return sorted;
  });
}

function sha256(text: string): string {
  return createHash('sha256').update(text).digest('hex');
}

/** Fields of a tool result that measure how long something took, never what it did. */
const TIMING_FIELDS = new Set(['durationMs', 'testMs', 'queuedMs']);

/** Timings in test output, and the runner's temporary directory in its paths. */
function stableText(text: string): string {
  return text
    .replace(/\b\d+(?:\.\d+)?\s?ms\b/g, '#ms')
    .replace(/duration_ms:? \d+(?:\.\d+)?/g, 'duration_ms #')
    .replace(/llmt-tests-[A-Za-z0-9]+/g, 'llmt-tests-#');
}

/**
 * A tool result as the digest sees it: without what differs between two runs that did the same
 * thing (how long a test run took, where its temporary directory was), so a replayed run that
 * runs the same tests on the same files matches its recording.
 */
export function stableToolContent(content: string): string {
  let value: unknown;
  try {
    value = JSON.parse(content);
  } catch {
    return stableText(content);
  }
  return JSON.stringify(value, (key, v: unknown) =>
    TIMING_FIELDS.has(key) ? undefined : typeof v === 'string' ? stableText(v) : v,
  );
}

function normalMessage(m: ModelMessage): unknown {
  if (m.role === 'assistant') {
    return {
      role: m.role,
      content: m.content,
      toolCalls: (m.toolCalls ?? []).map((c) => ({
        id: c.id,
        name: c.name,
        arguments: c.arguments,
      })),
    };
  }
  if (m.role === 'tool') {
    return {
      role: m.role,
      toolCallId: m.toolCallId,
      name: m.name,
      content: stableToolContent(m.content),
      isError: m.isError === true,
    };
  }
  return { role: m.role, content: m.content };
}

export function requestDigest(model: string, request: ModelRequest): string {
  return sha256(
    canonicalJson({
      model,
      system: request.system,
      messages: request.messages.map(normalMessage),
      tools: request.tools,
    }),
  );
}

function preview(m: ModelMessage): string {
  const calls =
    m.role === 'assistant' && m.toolCalls !== undefined && m.toolCalls.length > 0
      ? ` [calls ${m.toolCalls.map((c) => c.name).join(', ')}]`
      : '';
  const head = m.content.length > 80 ? `${m.content.slice(0, 80)}...` : m.content;
  return `${m.role === 'tool' ? `${m.name} result: ` : ''}${JSON.stringify(head)}${calls}`;
}

export function summarizeRequest(request: ModelRequest): CassetteRecord['request'] {
  return {
    systemDigest: sha256(request.system).slice(0, 16),
    tools: request.tools.map((t) => t.name),
    toolsDigest: sha256(canonicalJson(request.tools)).slice(0, 16),
    messages: request.messages.map((m) => ({
      role: m.role,
      digest: sha256(canonicalJson(normalMessage(m))).slice(0, 16),
      preview: preview(m),
    })),
    ...(request.metadata?.taskId === undefined ? {} : { taskId: request.metadata.taskId }),
    ...(request.metadata?.purpose === undefined ? {} : { purpose: request.metadata.purpose }),
  };
}

/** Says how a request differs from the recorded one: the first thing that does. */
export function describeDivergence(recorded: CassetteRecord['request'], now: ModelRequest): string {
  const current = summarizeRequest(now);
  if (current.systemDigest !== recorded.systemDigest) return 'the system prompt differs';
  if (current.toolsDigest !== recorded.toolsDigest) {
    return `the tools differ (recorded: ${recorded.tools.join(', ')}; now: ${current.tools.join(', ')})`;
  }
  const n = Math.max(recorded.messages.length, current.messages.length);
  for (let i = 0; i < n; i++) {
    const was = recorded.messages[i];
    const is = current.messages[i];
    if (was?.digest === is?.digest) continue;
    const show = (s: MessageSummary | undefined) =>
      s === undefined ? '(none)' : `${s.role} ${s.preview}`;
    return `message ${i} differs (recorded: ${show(was)}; now: ${show(is)})`;
  }
  return 'the model differs';
}

export function parseCassette(text: string, file: string): CassetteRecord[] {
  const records: CassetteRecord[] = [];
  text.split('\n').forEach((line, i) => {
    if (line.trim() === '') return;
    let record: unknown;
    try {
      record = JSON.parse(line);
    } catch (error) {
      throw new Error(
        `${file}:${i + 1}: not JSON (${error instanceof Error ? error.message : String(error)})`,
        { cause: error },
      );
    }
    const r = record as Partial<CassetteRecord>;
    if (r.v !== CASSETTE_VERSION || r.key === undefined || typeof r.digest !== 'string') {
      throw new Error(`${file}:${i + 1}: not a cassette record of version ${CASSETTE_VERSION}`);
    }
    records.push(r as CassetteRecord);
  });
  return records;
}
