import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { BUILT_IN_SUITES_DIR, isRunRecord, type RunRecord } from '@llm-teams/lab';
import { parseCassette } from '@llm-teams/agents';
import { parseTrace, type LlmTrace } from '@llm-teams/runtime';
import { spawnCli } from '@llm-teams/testkit';

type Json = Record<string, unknown>;
const text = (v: unknown) => (typeof v === 'string' ? v : '');

/** The tiny suite's reference files, by workspace path: what the scripted model writes. */
function tinyReferences(): Map<string, string> {
  const files = new Map<string, string>();
  const tasks = join(BUILT_IN_SUITES_DIR, 'tiny', 'tasks');
  for (const task of readdirSync(tasks)) {
    const src = join(tasks, task, 'reference', 'src');
    for (const file of readdirSync(src))
      files.set(`src/${file}`, readFileSync(join(src, file), 'utf8'));
  }
  return files;
}

/**
 * A model behind the OpenAI chat-completions wire format, as a test stands one up: for a task
 * briefing it writes the task's reference file, runs the tests, completes the task, then says
 * it is done. Counts the requests it answered.
 */
async function startScriptedModel(): Promise<{
  url: string;
  requests: () => number;
  close(): Promise<void>;
}> {
  const references = tinyReferences();
  let requests = 0;
  let nextCall = 0;
  const answer = (messages: Json[]): Json => {
    const briefing = text(messages.find((m) => m['role'] === 'user')?.['content']);
    const taskId = /^# Task (\S+):/m.exec(briefing)?.[1] ?? '';
    const path = /^Files you write: (\S+)/m.exec(briefing)?.[1] ?? '';
    const last = messages[messages.length - 1] ?? {};
    const calls = (messages.filter((m) => m['role'] === 'assistant').pop()?.['tool_calls'] ??
      []) as Json[];
    const lastTool = text((calls[0]?.['function'] as Json | undefined)?.['name']);
    const call = (name: string, args: Json) => ({
      role: 'assistant',
      content: null,
      tool_calls: [
        {
          id: `call_${nextCall++}`,
          type: 'function',
          function: { name, arguments: JSON.stringify(args) },
        },
      ],
    });
    if (last['role'] !== 'tool')
      return call('write_file', { path, content: references.get(path) ?? '' });
    if (lastTool === 'write_file') return call('run_tests', { taskId });
    if (lastTool === 'run_tests') {
      const passed = (JSON.parse(String(last['content'])) as { passed: boolean }).passed;
      return passed
        ? call('complete_task', { taskId })
        : call('write_file', { path, content: references.get(path) ?? '' });
    }
    return { role: 'assistant', content: `Done with ${taskId}.` };
  };
  const server: Server = createServer((req, res) => {
    let body = '';
    req.on('data', (chunk: Buffer) => (body += chunk.toString()));
    req.on('end', () => {
      requests++;
      const request = JSON.parse(body) as { messages: Json[] };
      const message = answer(request.messages);
      res.writeHead(200, { 'content-type': 'application/json' }).end(
        JSON.stringify({
          id: `chatcmpl-${requests}`,
          object: 'chat.completion',
          created: 1,
          model: 'scripted-coder',
          choices: [
            { index: 0, message, finish_reason: message['tool_calls'] ? 'tool_calls' : 'stop' },
          ],
          usage: {
            prompt_tokens: 100 + requests,
            completion_tokens: 20,
            total_tokens: 120 + requests,
          },
        }),
      );
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}/v1`,
    requests: () => requests,
    close: () => new Promise((resolve) => server.close(() => resolve())),
  };
}

const run = (model: string, out: string, ...extra: string[]) =>
  spawnCli([
    'run',
    ...['--suite', 'tiny', '--arch', 'single', '--model', model, '--seed', '5'],
    ...['--time-scale', '0.001', '--out', out, ...extra],
  ]).exited;

function readRun(out: string): { record: RunRecord; llm: LlmTrace[] } {
  const record: unknown = JSON.parse(readFileSync(join(out, 'result.json'), 'utf8'));
  if (!isRunRecord(record)) throw new Error(`${out}/result.json is not a run record`);
  const trace = parseTrace(readFileSync(join(out, 'trace.jsonl'), 'utf8'));
  return { record, llm: trace.filter((e): e is LlmTrace => e.kind === 'llm') };
}

describe('run --record, then --model replay:<cassette> (through the CLI)', () => {
  const dir = mkdtempSync(join(tmpdir(), 'llmt-record-'));
  const cassette = join(dir, 'cassette.jsonl');
  let model: Awaited<ReturnType<typeof startScriptedModel>>;
  beforeAll(async () => {
    model = await startScriptedModel();
  });
  afterAll(async () => {
    await model.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('records every call of a provider run, and the replay does the same work with no model behind it', async () => {
    const recorded = await run(
      `openai-compatible:scripted-coder@${model.url}`,
      join(dir, 'live'),
      '--record',
      cassette,
    );
    expect(recorded.code, recorded.stderr).toBe(0);
    expect(recorded.stdout).toContain(cassette);
    const live = readRun(join(dir, 'live'));
    expect(live.record.result.status).toBe('completed');
    const records = parseCassette(readFileSync(cassette, 'utf8'), cassette);
    expect(records).toHaveLength(model.requests());
    expect(records.length).toBe(live.llm.length);

    await model.close();
    const replayed = await run(`replay:${cassette}`, join(dir, 'replay'));
    expect(replayed.code, replayed.stderr).toBe(0);
    const replay = readRun(join(dir, 'replay'));
    expect(replay.record.result.status).toBe('completed');
    expect(replay.record.metrics.tasks).toEqual(live.record.metrics.tasks);
    const summary = (events: LlmTrace[]) =>
      events
        .map((e) => `${String(e['callIndex'])} ${e.outcome} ${e.inputTokens}/${e.outputTokens}`)
        .sort();
    expect(summary(replay.llm)).toEqual(summary(live.llm));
    expect(replay.llm.some((e) => e.outcome === 'replay_mismatch')).toBe(false);
  });

  it('refuses to record over the cassette it replays', async () => {
    expect(existsSync(cassette)).toBe(true);
    const refused = await run(`replay:${cassette}`, join(dir, 'again'), '--record', cassette);
    expect(refused.code).toBe(2);
    expect(refused.stderr).toContain(
      `--record ${cassette} would overwrite the cassette --model replays`,
    );
  });
});
