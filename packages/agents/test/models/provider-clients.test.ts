import { describe, expect, it } from 'vitest';
import {
  createUsageLedger,
  invalidToolCallMessages,
  isModelError,
  parseModelId,
  teamToolDefinitions,
  type ModelRequest,
} from '../../src/models/index.js';
import { PROVIDER_FIXTURES, type ProviderFixture } from '@llm-teams/testkit';
import { useLoopbackClients } from '../support/loopback-clients.js';

const request: ModelRequest = {
  system: 'You are agent a1 of a team.',
  messages: [
    { role: 'user', content: 'Write src/add.js for task t01.' },
    {
      role: 'assistant',
      content: 'Reading first.',
      toolCalls: [{ id: 'call_0', name: 'read_file', arguments: { path: 'src/add.js' } }],
    },
    {
      role: 'tool',
      toolCallId: 'call_0',
      name: 'read_file',
      content: 'no such file',
      isError: true,
    },
  ],
  tools: teamToolDefinitions(),
  maxOutputTokens: 1000,
  metadata: { agentId: 'a1', taskId: 't01', purpose: 'code' },
};

const TIMEOUT_MS = 60_000;

async function expectModelError(promise: Promise<unknown>, code: string) {
  const error: unknown = await promise.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(isModelError(error), `expected a ModelError, got ${String(error)}`).toBe(true);
  expect((error as { code: string }).code).toBe(code);
  return error as Error & { code: string; attempts: number };
}

describe.each(PROVIDER_FIXTURES)(
  '$provider client on a loopback server',
  (wire: ProviderFixture) => {
    const t = useLoopbackClients(wire, TIMEOUT_MS);

    it('sends model, system, messages and tools in the native format and parses the reply', async () => {
      t.server.reply({
        body: wire.ok({
          text: 'Writing it now.',
          calls: [
            {
              id: 'tc_1',
              name: 'write_file',
              args: { path: 'src/add.js', content: 'export const add = (a, b) => a + b;\n' },
            },
          ],
          usage: { input: 1200, output: 300, cached: 200 },
        }),
      });
      const ledger = createUsageLedger();
      const res = await t.client({ ledger }).call(request);

      expect(t.server.requests).toHaveLength(1);
      const sent = t.server.requests[0]!;
      expect(sent.path).toMatch(wire.path);
      const seen = wire.seen(sent);
      expect(seen.model).toBe(parseModelId(wire.modelId(t.server)).model);
      expect(seen.system).toBe(request.system);
      expect(seen.toolNames).toEqual([
        'read_file',
        'write_file',
        'run_tests',
        'claim_task',
        'complete_task',
        'send_message',
      ]);
      // user, assistant (tool call), then the tool result in the provider's shape.
      expect(seen.roles.length).toBe(3);
      expect(seen.maxTokens).toBe(1000);

      expect(res.text).toBe('Writing it now.');
      expect(res.toolCalls).toEqual([
        {
          id: 'tc_1',
          name: 'write_file',
          arguments: { path: 'src/add.js', content: 'export const add = (a, b) => a + b;\n' },
        },
      ]);
      expect(res.invalidToolCalls).toEqual([]);
      expect(res.stopReason).toBe('tool_use');
      expect(res.usage).toEqual({ inputTokens: 1200, outputTokens: 300, cachedTokens: 200 });
      expect(res.attempts).toBe(1);
      expect(res.model).toContain(wire.provider);
      expect(t.reports.map((r) => [r.attempt, r.outcome])).toEqual([[1, 'ok']]);
      expect(t.reports[0]).toMatchObject({ agentId: 'a1', taskId: 't01', callIndex: 0 });
      expect(ledger.totals()).toMatchObject({ calls: 1, inputTokens: 1200, outputTokens: 300 });
      if (wire.provider === 'openai-compatible') expect(res.costUsd).toBe(0);
      else expect(res.costUsd).toBeGreaterThan(0);
    });

    it('honours 429 Retry-After, then succeeds, reporting both attempts', async () => {
      t.server.reply(
        { status: 429, headers: { 'retry-after': '7' }, body: wire.error(429, 'slow down') },
        { body: wire.ok({ text: 'done' }) },
      );
      const res = await t.client().call(request);
      expect(res.text).toBe('done');
      expect(res.attempts).toBe(2);
      expect(t.server.requests).toHaveLength(2);
      expect(t.clock.delays).toContain(7000);
      expect(t.reports.map((r) => r.outcome)).toEqual(['rate_limited', 'ok']);
      expect(t.reports[0]).toMatchObject({ attempt: 1, retryAfterMs: 7000, delayMs: 7000 });
      expect(t.reports[1]).toMatchObject({ attempt: 2 });
      expect(res.latencyMs).toBeGreaterThanOrEqual(7000);
    });

    it('retries a 500 with backoff and jitter, then succeeds', async () => {
      t.server.reply(
        { status: 500, body: wire.error(500, 'boom') },
        { body: wire.ok({ text: 'ok' }) },
      );
      const res = await t.client({ retry: { initialDelayMs: 1000, jitter: 0.2 } }).call(request);
      expect(res.attempts).toBe(2);
      expect(t.reports.map((r) => r.outcome)).toEqual(['server_error', 'ok']);
      const delay = t.reports[0]!.delayMs!;
      expect(delay).toBeGreaterThanOrEqual(800);
      expect(delay).toBeLessThanOrEqual(1200);
      expect(t.clock.delays).toContain(delay);
    });

    it('gives up after maxAttempts with SERVER_ERROR and the attempt count', async () => {
      t.server.reply(
        { status: 503, body: wire.error(503, 'unavailable') },
        { status: 503, body: wire.error(503, 'unavailable') },
        { status: 503, body: wire.error(503, 'unavailable') },
      );
      const error = await expectModelError(
        t.client({ retry: { maxAttempts: 3 } }).call(request),
        'SERVER_ERROR',
      );
      expect(error.attempts).toBe(3);
      expect(error.message).toContain('after 3 attempts');
      expect(t.reports.map((r) => r.outcome)).toEqual([
        'server_error',
        'server_error',
        'server_error',
      ]);
      expect(t.reports[2]!.delayMs).toBeUndefined();
    });

    it('times out an attempt that gets no reply, then retries', async () => {
      t.server.reply({ hang: true }, { body: wire.ok({ text: 'second try' }) });
      const pending = t.client().call(request);
      await t.server.waitForRequests(1);
      await t.clock.waitForTimer((ms) => ms === TIMEOUT_MS);
      t.clock.fire((ms) => ms === TIMEOUT_MS);
      const res = await pending;
      expect(res.text).toBe('second try');
      expect(t.reports.map((r) => r.outcome)).toEqual(['timeout', 'ok']);
    });

    it('ends with TIMEOUT when the only attempt times out', async () => {
      t.server.reply({ hang: true });
      const pending = t.client({ retry: { maxAttempts: 1 } }).call(request);
      await t.server.waitForRequests(1);
      await t.clock.waitForTimer((ms) => ms === TIMEOUT_MS);
      t.clock.fire((ms) => ms === TIMEOUT_MS);
      await expectModelError(pending, 'TIMEOUT');
    });

    it('does not retry a 400 (REQUEST_REJECTED)', async () => {
      t.server.reply({ status: 400, body: wire.error(400, 'bad tools') });
      const error = await expectModelError(t.client().call(request), 'REQUEST_REJECTED');
      expect(error.attempts).toBe(1);
      expect(t.server.requests).toHaveLength(1);
    });

    it('a Retry-After beyond maxRetryAfterMs ends the call as RATE_LIMITED', async () => {
      t.server.reply({
        status: 429,
        headers: { 'retry-after': '3600' },
        body: wire.error(429, 'quota'),
      });
      const error = await expectModelError(
        t.client({ maxRetryAfterMs: 60_000 }).call(request),
        'RATE_LIMITED',
      );
      expect(error.message).toContain('exceeds maxRetryAfterMs');
      expect(t.server.requests).toHaveLength(1);
    });

    it('a malformed JSON body is a clear INVALID_RESPONSE, not retried', async () => {
      t.server.reply({ body: '{"content": [ this is not json' });
      const error = await expectModelError(t.client().call(request), 'INVALID_RESPONSE');
      expect(error.message).toContain('invalid response: unparsable body');
      expect(t.server.requests).toHaveLength(1);
    });

    it('a well-formed body of the wrong shape is INVALID_RESPONSE', async () => {
      t.server.reply({ body: { hello: 'world' } });
      await expectModelError(t.client().call(request), 'INVALID_RESPONSE');
    });

    it('an unknown tool and bad arguments become invalid calls with errors for the model', async () => {
      t.server.reply({
        body: wire.ok({
          calls: [
            { id: 'x1', name: 'delete_everything', args: {} },
            { id: 'x2', name: 'write_file', args: { path: 42 } },
            { id: 'x3', name: 'run_tests', args: { taskId: 't01' } },
          ],
        }),
      });
      const res = await t.client().call(request);
      expect(res.toolCalls).toEqual([
        { id: 'x3', name: 'run_tests', arguments: { taskId: 't01' } },
      ]);
      expect(res.invalidToolCalls.map((c) => c.id)).toEqual(['x1', 'x2']);
      expect(res.invalidToolCalls[0]!.error).toContain('Unknown tool "delete_everything"');
      expect(res.invalidToolCalls[0]!.error).toContain('write_file');
      expect(res.invalidToolCalls[1]!.error).toMatch(/Invalid arguments for write_file: .*path/);
      expect(res.invalidToolCalls[1]!.error).toContain('content');
      const back = invalidToolCallMessages(res);
      expect(back).toEqual([
        expect.objectContaining({ role: 'tool', toolCallId: 'x1', isError: true }),
        expect.objectContaining({ role: 'tool', toolCallId: 'x2', isError: true }),
      ]);
    });

    it('a refused budget makes no request', async () => {
      const ledger = createUsageLedger({ budget: { tokens: 500 } });
      const error = await expectModelError(t.client({ ledger }).call(request), 'BUDGET_EXCEEDED');
      expect(error.message).toContain('Budget of 500 tokens');
      expect(t.server.requests).toHaveLength(0);
      expect(t.reports.map((r) => r.outcome)).toEqual(['budget_exceeded']);
      expect(ledger.exceeded?.kind).toBe('tokens');
    });

    it('an aborted call rejects with ABORTED', async () => {
      t.server.reply({ hang: true });
      const controller = new AbortController();
      const pending = t.client().call(request, { signal: controller.signal });
      await t.server.waitForRequests(1);
      controller.abort();
      await expectModelError(pending, 'ABORTED');
    });
  },
);
