import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import {
  assistantMessageOf,
  createModelClient,
  invalidToolCallMessages,
  teamToolDefinitions,
  type ModelClient,
  type ModelRequest,
} from '../../src/models/index.js';
import {
  anthropicWire,
  createTestClock,
  googleWire,
  openaiCompatibleWire,
  openaiWire,
  startLoopbackServer,
  type LoopbackServer,
} from '@llm-teams/testkit';

type Json = Record<string, unknown>;

/** A conversation with two tool results followed by a note from the user. */
const request: ModelRequest = {
  system: 'sys',
  messages: [
    { role: 'user', content: 'Do t01.' },
    {
      role: 'assistant',
      content: '',
      toolCalls: [
        { id: 'c1', name: 'run_tests', arguments: { taskId: 't01' } },
        { id: 'c2', name: 'read_file', arguments: { path: 'a.js' } },
      ],
    },
    { role: 'tool', toolCallId: 'c1', name: 'run_tests', content: 'fail 1', isError: true },
    { role: 'tool', toolCallId: 'c2', name: 'read_file', content: 'rev 3' },
    { role: 'user', content: 'Teammate says hi.' },
  ],
  tools: teamToolDefinitions(['read_file', 'run_tests']),
  metadata: { agentId: 'a1' },
};

describe('native wire formats', () => {
  let server: LoopbackServer;
  const clients: ModelClient[] = [];
  beforeEach(async () => {
    server = await startLoopbackServer();
  });
  afterEach(async () => {
    for (const c of clients.splice(0)) await c.close();
    await server.close();
  });
  const open = (id: string, env: Json, baseURL?: string) => {
    const c = createModelClient(id, {
      env: env as Record<string, string>,
      clock: createTestClock({ autoFireBelowMs: 60_000 }),
      ...(baseURL === undefined ? {} : { baseURL }),
    });
    clients.push(c);
    return c;
  };

  it('anthropic: tool results open one user turn, flagged is_error, and the key is sent', async () => {
    server.reply({ body: anthropicWire.ok({ text: 'ok' }) });
    await open('anthropic:claude-sonnet-4-6', anthropicWire.env, server.url).call(request);
    const body = server.requests[0]!.body!;
    const messages = body['messages'] as Json[];
    expect(messages.map((m) => m['role'])).toEqual(['user', 'assistant', 'user']);
    expect(messages[1]!['content']).toEqual([
      { type: 'tool_use', id: 'c1', name: 'run_tests', input: { taskId: 't01' } },
      { type: 'tool_use', id: 'c2', name: 'read_file', input: { path: 'a.js' } },
    ]);
    expect(messages[2]!['content']).toEqual([
      { type: 'tool_result', tool_use_id: 'c1', content: 'fail 1', is_error: true },
      { type: 'tool_result', tool_use_id: 'c2', content: 'rev 3' },
      { type: 'text', text: 'Teammate says hi.' },
    ]);
    expect((body['tools'] as Json[])[0]).toMatchObject({
      name: 'read_file',
      input_schema: { type: 'object', required: ['path'] },
    });
    const headers = JSON.stringify(server.requests[0]!.headers);
    expect(headers).toContain('test-anthropic-key');
  });

  it('anthropic: a reply cut at max_tokens says so', async () => {
    server.reply({ body: anthropicWire.ok({ text: 'partial', truncated: true }) });
    const res = await open('anthropic:claude-sonnet-4-6', anthropicWire.env, server.url).call(
      request,
    );
    expect(res.stopReason).toBe('max_tokens');
  });

  it('openai: tool results are tool messages, errors marked in text, max_completion_tokens', async () => {
    server.reply({ body: openaiWire.ok({ text: 'ok' }) });
    await open('openai:gpt-5.2', openaiWire.env, `${server.url}/v1`).call(request);
    const body = server.requests[0]!.body!;
    const messages = body['messages'] as Json[];
    expect(messages.map((m) => m['role'])).toEqual([
      'system',
      'user',
      'assistant',
      'tool',
      'tool',
      'user',
    ]);
    expect(messages[2]).toMatchObject({
      content: null,
      tool_calls: [
        {
          id: 'c1',
          type: 'function',
          function: { name: 'run_tests', arguments: '{"taskId":"t01"}' },
        },
        {
          id: 'c2',
          type: 'function',
          function: { name: 'read_file', arguments: '{"path":"a.js"}' },
        },
      ],
    });
    expect(messages[3]).toEqual({ role: 'tool', tool_call_id: 'c1', content: 'Error: fail 1' });
    expect(body['max_completion_tokens']).toBe(4096);
    expect(body['max_tokens']).toBeUndefined();
    expect(server.requests[0]!.headers['authorization']).toBe('Bearer test-openai-key');
  });

  it('openai: unparsable argument JSON is an invalid call the model can be told about', async () => {
    server.reply({
      body: openaiWire.ok({
        calls: [
          { id: 'b1', name: 'read_file', rawArgs: '{"path": "a.js"' },
          { id: 'b2', name: 'read_file', rawArgs: '{"path":"b.js"}' },
        ],
      }),
    });
    const res = await open('openai:gpt-5.2', openaiWire.env, `${server.url}/v1`).call(request);
    expect(res.toolCalls).toEqual([{ id: 'b2', name: 'read_file', arguments: { path: 'b.js' } }]);
    expect(res.invalidToolCalls).toHaveLength(1);
    expect(res.invalidToolCalls[0]).toMatchObject({ id: 'b1', raw: '{"path": "a.js"' });
    expect(res.invalidToolCalls[0]!.error).toContain('not valid JSON');

    // Echoed back, the bad call keeps its exact text and gets an error result.
    server.reply({ body: openaiWire.ok({ text: 'fixed' }) });
    await open('openai:gpt-5.2', openaiWire.env, `${server.url}/v1`).call({
      ...request,
      messages: [...request.messages, assistantMessageOf(res), ...invalidToolCallMessages(res)],
    });
    const sent = server.requests[1]!.body!['messages'] as Json[];
    const echoed = sent[sent.length - 2]!['tool_calls'] as Json[];
    expect(echoed.map((c) => (c['function'] as Json)['arguments'])).toEqual([
      '{"path":"b.js"}',
      '{"path": "a.js"',
    ]);
    expect(sent[sent.length - 1]).toMatchObject({ role: 'tool', tool_call_id: 'b1' });
  });

  it('openai-compatible: the base URL comes from the id, max_tokens, placeholder key', async () => {
    server.reply({ body: openaiCompatibleWire.ok({ text: 'ok' }) });
    const c = open(`openai-compatible:llama3.1:8b@${server.url}/v1`, {});
    expect(c.id).toBe(`openai-compatible:llama3.1:8b@${server.url}/v1`);
    await c.call(request);
    const body = server.requests[0]!.body!;
    expect(body['model']).toBe('llama3.1:8b');
    expect(body['max_tokens']).toBe(4096);
    expect(server.requests[0]!.headers['authorization']).toBe('Bearer none');
  });

  it('google: function responses, thought signatures round trip, local ids stay local', async () => {
    server.reply({
      body: googleWire.ok({
        calls: [{ id: '', name: 'run_tests', args: { taskId: 't01' }, signature: 'sig-abc' }],
      }),
    });
    const c = open('google:gemini-3-flash-preview', googleWire.env, server.url);
    const res = await c.call(request);
    const body = server.requests[0]!.body!;
    expect((body['contents'] as Json[]).map((m) => m['role'])).toEqual(['user', 'model', 'user']);
    const last = (body['contents'] as Json[])[2]!['parts'] as Json[];
    expect(last[0]).toEqual({
      functionResponse: { id: 'c1', name: 'run_tests', response: { error: 'fail 1' } },
    });
    expect(last[1]).toEqual({
      functionResponse: { id: 'c2', name: 'read_file', response: { output: 'rev 3' } },
    });
    expect(body['systemInstruction']).toMatchObject({ parts: [{ text: 'sys' }] });
    expect(server.requests[0]!.headers['x-goog-api-key']).toBe('test-gemini-key');

    expect(res.toolCalls).toHaveLength(1);
    const call = res.toolCalls[0]!;
    expect(call).toMatchObject({ name: 'run_tests', signature: 'sig-abc' });
    expect(call.id).toMatch(/^local-a1-0-0$/);

    server.reply({ body: googleWire.ok({ text: 'ok' }) });
    await c.call({
      ...request,
      messages: [
        ...request.messages,
        assistantMessageOf(res),
        { role: 'tool', toolCallId: call.id, name: 'run_tests', content: 'pass' },
      ],
    });
    const contents = server.requests[1]!.body!['contents'] as Json[];
    const model = contents[contents.length - 2]!['parts'] as Json[];
    expect(model[0]).toEqual({
      functionCall: { name: 'run_tests', args: { taskId: 't01' } },
      thoughtSignature: 'sig-abc',
    });
    const result = contents[contents.length - 1]!['parts'] as Json[];
    expect(result[0]).toEqual({
      functionResponse: { name: 'run_tests', response: { output: 'pass' } },
    });
  });

  it('google: a 429 with RetryInfo in the body waits what it says', async () => {
    const clock = createTestClock({ autoFireBelowMs: 60_000 });
    server.reply(
      {
        status: 429,
        body: {
          error: {
            code: 429,
            status: 'RESOURCE_EXHAUSTED',
            message: 'quota',
            details: [{ '@type': 'type.googleapis.com/google.rpc.RetryInfo', retryDelay: '13s' }],
          },
        },
      },
      { body: googleWire.ok({ text: 'ok' }) },
    );
    const c = createModelClient('google:gemini-3-flash-preview', {
      env: googleWire.env,
      clock,
      baseURL: server.url,
    });
    clients.push(c);
    const res = await c.call(request);
    expect(res.attempts).toBe(2);
    expect(clock.delays).toContain(13_000);
  });
});
