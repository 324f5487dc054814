import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import {
  connectNats,
  startNatsServer,
  type NatsConnection,
  type NatsServer,
} from '@llm-teams/broker';
import { runTeam } from '@llm-teams/agents';
import { startTelemetry } from '@llm-teams/lab';
import { spawnCli, tempDir, type CliProcess } from '@llm-teams/testkit';
import { tinyTeamRun } from '@llm-teams/testkit';
import { startOtlpReceiver, type OtlpReceiver, type ReceivedSpan } from './otlp-receiver.js';

const PRODUCER = 4;
const CONSUMER = 5;

const otelEnv = (receiver: OtlpReceiver, protocol: string, service: string) => ({
  OTEL_EXPORTER_OTLP_ENDPOINT: receiver.url,
  OTEL_EXPORTER_OTLP_PROTOCOL: protocol,
  OTEL_SERVICE_NAME: service,
});

/** Each `process <type>` span whose parent is a `send <type>` span of the same message. */
function deliveries(spans: ReceivedSpan[], type: string) {
  const sends = new Map(
    spans.filter((s) => s.name === `send ${type}` && s.kind === PRODUCER).map((s) => [s.spanId, s]),
  );
  return spans
    .filter((s) => s.name === `process ${type}` && s.kind === CONSUMER)
    .flatMap((process) => {
      const send = sends.get(process.parentSpanId);
      return send ? [{ send, process }] : [];
    });
}

/** The GenAI spans of a run: agents' tasks, their model calls (with content) and tool calls. */
function expectGenAiSpans(spans: ReceivedSpan[]) {
  const byOperation = (op: string) =>
    spans.filter((s) => s.attributes['gen_ai.operation.name'] === op);
  const agents = byOperation('invoke_agent');
  const chats = byOperation('chat');
  const tools = byOperation('execute_tool');
  expect(agents.length).toBeGreaterThan(0);
  expect(chats.length).toBeGreaterThan(0);
  expect(tools.length).toBeGreaterThan(0);
  const chat = chats.find((c) => c.attributes['llm_teams.outcome'] === 'ok')!;
  expect(chat.name).toBe('chat sim:gpt-5.2');
  expect(chat.attributes).toMatchObject({
    'gen_ai.request.model': 'sim:gpt-5.2',
    'gen_ai.provider.name': 'sim',
  });
  expect(chat.attributes['gen_ai.usage.input_tokens']).toBeGreaterThan(0);
  expect(chat.attributes['gen_ai.usage.output_tokens']).toBeGreaterThan(0);
  expect(chat.attributes['gen_ai.response.finish_reasons']).toEqual([expect.any(String)]);
  // A model call and a tool call belong to the task span of the agent that made them.
  const agentSpans = new Map(agents.map((a) => [a.spanId, a]));
  expect(agentSpans.get(chat.parentSpanId)?.attributes['gen_ai.agent.name']).toBe(
    chat.attributes['gen_ai.agent.name'],
  );
  expect(tools.some((t) => agentSpans.has(t.parentSpanId))).toBe(true);
  // A tool call's span lasts as long as the call (running a task's tests takes a while).
  expect(
    tools.some((t) => t.attributes['gen_ai.tool.name'] === 'run_tests' && t.durationMs > 0),
  ).toBe(true);
  // Content was asked for: the prompt (the agent's instructions, the task) and the reply.
  const input = JSON.parse(String(chat.attributes['gen_ai.input.messages'])) as {
    role: string;
    parts: { type: string }[];
  }[];
  expect(input[0]).toMatchObject({ role: 'user', parts: [{ type: 'text' }] });
  expect(JSON.parse(String(chat.attributes['gen_ai.system_instructions']))).toEqual([
    { type: 'text', content: expect.any(String) as unknown },
  ]);
  const output = JSON.parse(String(chat.attributes['gen_ai.output.messages'])) as unknown[];
  expect(output).toEqual([
    expect.objectContaining({
      role: 'assistant',
      finish_reason: expect.any(String) as unknown,
    }) as unknown,
  ]);
  return { agents, chats };
}

/** A task.assign's send and processing: one trace, parent and child, two actors. */
function expectAssignmentsJoined(spans: ReceivedSpan[], agents: ReceivedSpan[]): void {
  // The coordinator's send of an assignment and the worker's processing of it: one trace,
  // parent and child, two actors; the worker's task span continues that trace.
  const assigned = deliveries(spans, 'task.assign');
  expect(assigned.length).toBeGreaterThan(0);
  for (const { send, process } of assigned) {
    expect(process.traceId).toBe(send.traceId);
    expect(send.attributes['messaging.system']).toBe('nats');
    expect(process.attributes['messaging.system']).toBe('nats');
    expect(process.attributes['messaging.message.id']).toBe(
      send.attributes['messaging.message.id'],
    );
    expect(process.attributes['llm_teams.actor']).not.toBe(send.attributes['llm_teams.actor']);
  }
  const assignTraces = new Set(assigned.map((d) => d.send.traceId));
  expect(agents.some((a) => assignTraces.has(a.traceId))).toBe(true);
}

/** The run's metrics agree with its spans. */
function expectMetrics(receiver: OtlpReceiver, spans: ReceivedSpan[], chats: ReceivedSpan[]): void {
  // Metrics, from the same variables (exported when the command ends).
  const total = (metric: string, where: Record<string, unknown> = {}) =>
    Math.max(
      0,
      ...receiver.points
        .filter(
          (p) =>
            p.metric === metric && Object.entries(where).every(([k, v]) => p.attributes[k] === v),
        )
        .map((p) => p.value),
    );
  expect(receiver.points.every((p) => p.encoding === 'json')).toBe(true);
  const assignSends = total('messaging.client.sent.messages', {
    'llm_teams.message.type': 'task.assign',
  });
  expect(assignSends).toBeGreaterThan(0);
  expect(assignSends).toBe(spans.filter((s) => s.name === 'send task.assign').length);
  expect(
    total('messaging.client.consumed.messages', { 'llm_teams.message.type': 'task.assign' }),
  ).toBeGreaterThan(0);
  expect(total('gen_ai.client.token.usage', { 'gen_ai.token.type': 'output' })).toBe(chats.length);
  expect(total('llm_teams.model.calls', { 'gen_ai.request.model': 'sim:gpt-5.2' })).toBeGreaterThan(
    0,
  );
  expect(total('llm_teams.tool.calls')).toBeGreaterThan(0);
  expect(total('llm_teams.tasks', { 'llm_teams.task.phase': 'done' })).toBeGreaterThan(0);
}

/** The director's half of the two-process run: a1 and the coordinator here, a2 on the node. */
function runDirectorHalf(nc: NatsConnection, team: string) {
  return runTeam({
    nc,
    team,
    ...tinyTeamRun({ n: 4, chain: 2, agents: 2, seed: 6, timeScale: 0.002 }),
    replicas: 1,
    localMembers: ['a1', 'coord1'],
    // No backup copies: a copy the original beats is cancelled before its model call, and
    // the node's assignments must each reach one for the trace asserted below.
    coordinator: { standby: false, backups: false },
    deadlineMs: 120_000,
    // Nothing here is about failures: the node may take long to start and be stalled on a
    // loaded machine, and its worker must still get its assignments rather than be
    // suspected (heartbeats every 100 ms, suspected after 1 s by default) and worked around.
    joinTimeoutMs: 600_000,
    failureDetection: { kind: 'timeout', timeoutMs: 60_000 },
  });
}

describe('OpenTelemetry over OTLP', () => {
  let server: NatsServer;
  let receiver: OtlpReceiver;
  let out: ReturnType<typeof tempDir>;
  const children: CliProcess[] = [];
  beforeEach(async () => {
    server = await startNatsServer();
    receiver = await startOtlpReceiver();
    out = tempDir();
  });
  afterEach(async () => {
    for (const c of children.splice(0)) c.kill('SIGKILL');
    await receiver.close();
    await server.close();
    out.cleanup();
  });

  it('run with the OTLP variables (http/json) exports GenAI spans, messaging spans that join a task.assign to its processing, and metrics', async () => {
    const run = spawnCli(
      [
        'run',
        '--suite',
        'tiny',
        '--p',
        '0.5',
        '--agents',
        '2',
        '--arch',
        'centralized',
        '--model',
        'sim:gpt-5.2',
        '--seed',
        '5',
        '--time-scale',
        '0.001',
        '--nats',
        server.url,
        '--out',
        out.dir,
      ],
      {
        env: {
          ...otelEnv(receiver, 'http/json', 'llmt-run'),
          OTEL_INSTRUMENTATION_GENAI_CAPTURE_MESSAGE_CONTENT: 'true',
        },
      },
    );
    children.push(run);
    const res = await run.exited;
    expect(res.code, res.stderr).toBe(0);
    const spans = receiver.spans;
    expect(spans.every((s) => s.encoding === 'json' && s.service === 'llmt-run')).toBe(true);

    const { agents, chats } = expectGenAiSpans(spans);
    expectAssignmentsJoined(spans, agents);
    expectMetrics(receiver, spans, chats);
  });

  it('a task.assign sent in one process is processed in a `node` process, one trace across them (http/protobuf)', async () => {
    const team = 'otel2';
    const node = spawnCli(
      [
        'node',
        '--nats',
        server.url,
        '--team',
        team,
        '--agents',
        'a2',
        '--out',
        out.dir,
        '--node',
        'proc-a2',
      ],
      { env: otelEnv(receiver, 'http/protobuf', 'llmt-node') },
    );
    children.push(node);
    const telemetry = startTelemetry(otelEnv(receiver, 'http/protobuf', 'llmt-director'));
    expect(telemetry?.settings.traces?.protocol).toBe('http/protobuf');
    let nc: NatsConnection | undefined;
    try {
      nc = await connectNats({ servers: server.url, name: 'director' });
      const result = await runDirectorHalf(nc, team);
      expect(result.status, result.reason).toBe('completed');
    } finally {
      await telemetry?.shutdown();
      await nc?.close();
    }
    const exited = await node.exited;
    expect(exited.code, exited.stderr).toBe(0);

    const spans = receiver.spans;
    expect(spans.every((s) => s.encoding === 'protobuf')).toBe(true);
    // Content was not asked for: no prompt or completion leaves the processes.
    const chats = spans.filter((s) => s.attributes['gen_ai.operation.name'] === 'chat');
    expect(chats.length).toBeGreaterThan(0);
    expect(chats.some((c) => 'gen_ai.input.messages' in c.attributes)).toBe(false);
    const across = deliveries(spans, 'task.assign').filter(
      (d) => d.send.service === 'llmt-director' && d.process.service === 'llmt-node',
    );
    expect(across.length).toBeGreaterThan(0);
    for (const { send, process } of across) {
      expect(process.traceId).toBe(send.traceId);
      expect(process.attributes['llm_teams.actor']).toBe('a2');
    }
    // The remote worker's own GenAI spans continue the trace of an assignment it processed.
    const remoteAgents = spans.filter(
      (s) => s.service === 'llmt-node' && s.attributes['gen_ai.operation.name'] === 'invoke_agent',
    );
    expect(remoteAgents.some((a) => across.some((d) => d.send.traceId === a.traceId))).toBe(true);
    // Metrics over protobuf too: the node counted the assignments it processed.
    const consumed = receiver.points.filter(
      (p) =>
        p.service === 'llmt-node' &&
        p.metric === 'messaging.client.consumed.messages' &&
        p.attributes['llm_teams.message.type'] === 'task.assign',
    );
    expect(consumed.length).toBeGreaterThan(0);
    expect(consumed.every((p) => p.encoding === 'protobuf')).toBe(true);
    expect(Math.max(...consumed.map((p) => p.value))).toBeGreaterThanOrEqual(across.length);
  });
});
