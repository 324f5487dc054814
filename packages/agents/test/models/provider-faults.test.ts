import { beforeEach, describe, expect, it } from 'vitest';
import {
  teamToolDefinitions,
  type ModelClient,
  type ModelRequest,
  type SimCallInfo,
  type SimFault,
} from '../../src/models/index.js';
import { PROVIDER_FIXTURES, type ProviderFixture } from '@llm-teams/testkit';
import { useLoopbackClients } from '../support/loopback-clients.js';

const request: ModelRequest = {
  system: 'You are agent a1 of a team.',
  messages: [{ role: 'user', content: 'Write src/add.js for task t01.' }],
  tools: teamToolDefinitions(),
  maxOutputTokens: 1000,
  metadata: { agentId: 'a1', taskId: 't01', purpose: 'code' },
};
const TIMEOUT_MS = 60_000;
const WRITE = {
  id: 'tc_1',
  name: 'write_file',
  args: { path: 'src/add.js', content: 'export const add = (a, b) => a + b;\n' },
};

/** The model fault layer on every real provider's client, against its loopback wire server:
 *  refusals never reach the server, damaged replies did. */
describe.each(PROVIDER_FIXTURES)('model faults on $provider', (wire: ProviderFixture) => {
  const t = useLoopbackClients(wire, TIMEOUT_MS);
  let asked: SimCallInfo[];
  beforeEach(() => {
    asked = [];
  });

  /** A client whose attempt n gets `plan[n - 1]`. */
  const client = (plan: (SimFault | undefined)[]): ModelClient =>
    t.client({
      faults: (call) => {
        asked.push(call);
        return plan[call.attempt - 1];
      },
    });

  it('a 429 storm with Retry-After: refused attempts never reach the server, the third does', async () => {
    t.server.reply({ body: wire.ok({ text: 'done' }) });
    const storm: SimFault = { kind: 'rate_limit', retryAfterMs: 2000 };
    const res = await client([storm, storm]).call(request);
    expect(res.text).toBe('done');
    expect(t.reports.map((r) => [r.outcome, r.retryAfterMs])).toEqual([
      ['rate_limited', 2000],
      ['rate_limited', 2000],
      ['ok', undefined],
    ]);
    expect(t.clock.delays.filter((d) => d === 2000)).toHaveLength(2);
    expect(t.server.requests).toHaveLength(1);
    expect(asked[0]).toMatchObject({ agentId: 'a1', taskId: 't01', purpose: 'code', attempt: 1 });
  });

  it('a 5xx, then a timeout that costs the whole attempt timeout, then a reply', async () => {
    t.server.reply({ body: wire.ok({ text: 'third time' }) });
    const pending = client([{ kind: 'server_error', status: 503 }, { kind: 'timeout' }]).call(
      request,
    );
    await t.clock.waitForTimer((ms) => ms === TIMEOUT_MS);
    t.clock.fire((ms) => ms === TIMEOUT_MS);
    const res = await pending;
    expect(res.text).toBe('third time');
    expect(t.reports.map((r) => r.outcome)).toEqual(['server_error', 'timeout', 'ok']);
    expect(t.reports[0]!.error).toContain('503');
    expect(t.server.requests).toHaveLength(1);
  });

  it('a malformed tool call: the reply came over the wire, its first call no longer parses', async () => {
    t.server.reply({ body: wire.ok({ calls: [WRITE] }) });
    const res = await client([{ kind: 'malformed_tool_call' }]).call(request);
    expect(t.server.requests).toHaveLength(1);
    expect(res.toolCalls).toEqual([]);
    expect(res.invalidToolCalls).toHaveLength(1);
    expect(res.invalidToolCalls[0]).toMatchObject({ id: 'tc_1', name: 'write_file' });
  });

  it('a truncated tool call stops at max_tokens with half its arguments', async () => {
    t.server.reply({ body: wire.ok({ calls: [WRITE] }) });
    const res = await client([{ kind: 'truncated_tool_call' }]).call(request);
    expect(res.stopReason).toBe('max_tokens');
    expect(res.invalidToolCalls.map((c) => c.id)).toEqual(['tc_1']);
  });

  it('a wrong answer: the file the reply writes throws when loaded', async () => {
    t.server.reply({ body: wire.ok({ calls: [WRITE] }) });
    const res = await client([{ kind: 'wrong_answer' }]).call(request);
    expect(res.toolCalls).toEqual([
      {
        id: 'tc_1',
        name: 'write_file',
        arguments: {
          path: 'src/add.js',
          content: 'throw new Error("wrong answer injected into src/add.js");\n',
        },
      },
    ]);
  });
});
