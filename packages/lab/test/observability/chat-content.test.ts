import { afterAll, describe, expect, it } from 'vitest';
import {
  BasicTracerProvider,
  InMemorySpanExporter,
  SimpleSpanProcessor,
} from '@opentelemetry/sdk-trace-base';
import { genAiContentOf, type AttemptContent } from '@llm-teams/agents';
import { createRuntimeTelemetry, registerSecret, type LlmTrace } from '@llm-teams/runtime';
import { telemetrySettings } from '@llm-teams/lab';

const exporter = new InMemorySpanExporter();
const provider = new BasicTracerProvider({ spanProcessors: [new SimpleSpanProcessor(exporter)] });
afterAll(() => provider.shutdown());

const SECRET = 'sk-ant-abcdefghijklmnopqrstuvwxyz0123';
const KEY = 'a-registered-token-value';
registerSecret(KEY);

const content: AttemptContent = {
  request: {
    system: 'You are a1, a member of a team.',
    messages: [
      { role: 'user', content: `Do task t1. The service key is ${SECRET}; the token ${KEY}.` },
      {
        role: 'assistant',
        content: '',
        toolCalls: [{ id: 'c1', name: 'read_file', arguments: { path: 'a.ts' } }],
      },
      { role: 'tool', toolCallId: 'c1', name: 'read_file', content: 'export {}' },
    ],
    tools: [],
  },
  response: {
    text: 'Done.',
    toolCalls: [{ id: 'c2', name: 'finish_task', arguments: { taskId: 't1' } }],
    stopReason: 'tool_use',
  },
};

const llmEvent: LlmTrace = {
  kind: 'llm',
  actor: 'a1',
  node: 'n',
  seq: 0,
  lamport: 1,
  wall: Date.now(),
  model: 'sim:gpt-5.2',
  inputTokens: 10,
  outputTokens: 5,
  latencyMs: 20,
  attempt: 1,
  outcome: 'ok',
};

function chatSpan(captureContent: boolean, asked: { count: number }) {
  exporter.reset();
  const telemetry = createRuntimeTelemetry({
    tracer: provider.getTracer('test'),
    captureContent,
  });
  telemetry.observe(llmEvent, {
    genAiContent: () => {
      asked.count++;
      return genAiContentOf(content);
    },
  });
  const [span] = exporter.getFinishedSpans();
  return span!;
}

describe('model call content on chat spans', () => {
  it('is recorded in the conventions shape when capture is on, with secrets redacted', () => {
    const asked = { count: 0 };
    const span = chatSpan(true, asked);
    expect(asked.count).toBe(1);
    const input = String(span.attributes['gen_ai.input.messages']);
    expect(input).not.toContain(SECRET);
    expect(input).not.toContain(KEY);
    expect(JSON.parse(input)).toEqual([
      {
        role: 'user',
        parts: [
          {
            type: 'text',
            content: 'Do task t1. The service key is [REDACTED]; the token [REDACTED].',
          },
        ],
      },
      {
        role: 'assistant',
        parts: [{ type: 'tool_call', id: 'c1', name: 'read_file', arguments: { path: 'a.ts' } }],
      },
      { role: 'tool', parts: [{ type: 'tool_call_response', id: 'c1', response: 'export {}' }] },
    ]);
    expect(JSON.parse(String(span.attributes['gen_ai.system_instructions']))).toEqual([
      { type: 'text', content: 'You are a1, a member of a team.' },
    ]);
    expect(JSON.parse(String(span.attributes['gen_ai.output.messages']))).toEqual([
      {
        role: 'assistant',
        parts: [
          { type: 'text', content: 'Done.' },
          { type: 'tool_call', id: 'c2', name: 'finish_task', arguments: { taskId: 't1' } },
        ],
        finish_reason: 'tool_call',
      },
    ]);
  });

  it('is neither recorded nor even built when capture is off', () => {
    const asked = { count: 0 };
    const span = chatSpan(false, asked);
    expect(asked.count).toBe(0);
    expect(Object.keys(span.attributes).filter((k) => k.endsWith('messages'))).toEqual([]);
    expect(span.attributes['gen_ai.system_instructions']).toBeUndefined();
  });

  it('OTEL_INSTRUMENTATION_GENAI_CAPTURE_MESSAGE_CONTENT: true and the span modes turn it on, anything unknown is named', () => {
    const env = (value?: string) => ({
      OTEL_EXPORTER_OTLP_ENDPOINT: 'http://127.0.0.1:4318',
      ...(value === undefined ? {} : { OTEL_INSTRUMENTATION_GENAI_CAPTURE_MESSAGE_CONTENT: value }),
    });
    const capture = (value?: string) => telemetrySettings(env(value))?.captureContent;
    expect(capture()).toBe(false);
    expect(capture('true')).toBe(true);
    expect(capture('TRUE')).toBe(true);
    expect(capture('SPAN_ONLY')).toBe(true);
    expect(capture('SPAN_AND_EVENT')).toBe(true);
    expect(capture('false')).toBe(false);
    expect(capture('NO_CONTENT')).toBe(false);
    expect(capture('EVENT_ONLY')).toBe(false);
    expect(() => capture('yes')).toThrow(/OTEL_INSTRUMENTATION_GENAI_CAPTURE_MESSAGE_CONTENT=yes/);
  });
});
