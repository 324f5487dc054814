import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import {
  checkModelCredentials,
  createModelClient,
  isModelError,
  teamToolDefinitions,
  type ModelClient,
  type ModelRequest,
} from '../../src/models/index.js';

const SCRIPT = `
latencyMs: 200
rules:
  - when: { agent: v3, last: "Review proposal (\\\\w+)" }
    reply: { text: "REJECT $1: never trust it" }
  - when: { last: "Review proposal (\\\\w+)" }
    reply: { text: "APPROVE $1", latencyMs: 50 }
  - when: { turn: 0, last: "Write (\\\\S+)" }
    reply:
      text: "writing"
      tools:
        - name: write_file
          arguments: { path: "$1", content: "by \${agent}", baseRev: 0 }
  - when: { tool: write_file }
    reply: { text: "done" }
`;

const request = (agentId: string, last: string, turn = 0): ModelRequest => ({
  system: 'You review proposals.',
  messages: [{ role: 'user', content: last }],
  tools: teamToolDefinitions(['write_file']),
  metadata: { agentId, turn },
});

describe('scripted model (script:<file>)', () => {
  let dir: string;
  const clients: ModelClient[] = [];
  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'llmt-script-'));
  });
  afterEach(async () => {
    for (const c of clients.splice(0)) await c.close();
    rmSync(dir, { recursive: true, force: true });
  });
  const open = (text: string) => {
    const file = join(dir, 'script.yaml');
    writeFileSync(file, text);
    const c = createModelClient(`script:${file}`, { env: {}, timeScale: 0 });
    clients.push(c);
    return c;
  };

  it('answers with the first rule whose conditions hold, captures filled in', async () => {
    const model = open(SCRIPT);
    const honest = await model.call(request('v1', 'Review proposal p7 please'));
    expect(honest).toMatchObject({ text: 'APPROVE p7', latencyMs: 50, stopReason: 'end' });
    const liar = await model.call(request('v3', 'Review proposal p7 please'));
    expect(liar).toMatchObject({ text: 'REJECT p7: never trust it', latencyMs: 200 });
    expect(liar.usage.outputTokens).toBeGreaterThan(0);
  });

  it('replies with tool calls (arguments filled in, validated like any model’s), then follows the conversation', async () => {
    const model = open(SCRIPT);
    const first = await model.call(request('w1', 'Write notes/a.md'));
    expect(first.toolCalls).toEqual([
      {
        id: 'call_0_0',
        name: 'write_file',
        arguments: { path: 'notes/a.md', content: 'by w1', baseRev: 0 },
      },
    ]);
    const second = await model.call({
      ...request('w1', '', 1),
      messages: [
        { role: 'user', content: 'Write notes/a.md' },
        { role: 'assistant', content: 'writing', toolCalls: first.toolCalls },
        { role: 'tool', toolCallId: 'call_0_0', name: 'write_file', content: '{"ok":true}' },
      ],
    });
    expect(second.text).toBe('done');
  });

  it('is deterministic: the same conversation gets the same reply', async () => {
    const a = await open(SCRIPT).call(request('v1', 'Review proposal x'));
    const b = await open(SCRIPT).call(request('v1', 'Review proposal x'));
    expect(b).toEqual(a);
  });

  it('a call no rule answers fails, naming the agent and the last message', async () => {
    const model = open(SCRIPT);
    const err = await model.call(request('w2', 'something else', 3)).catch((e: unknown) => e);
    expect(isModelError(err)).toBe(true);
    expect(String((err as Error).message)).toMatch(/no rule answers w2 \(turn 3.*something else/);
  });

  it('a malformed script is refused before a run starts, naming the field', () => {
    const file = join(dir, 'bad.yaml');
    writeFileSync(file, 'rules:\n  - when: { turn: first }\n    reply: { text: hi }\n');
    expect(() => checkModelCredentials(`script:${file}`, {})).toThrow(
      /bad.yaml: rules.0.when.turn/,
    );
    writeFileSync(file, 'rules:\n  - when: { last: "(" }\n    reply: { text: hi }\n');
    expect(() => checkModelCredentials(`script:${file}`, {})).toThrow(/rules.0.when.last/);
    expect(() => checkModelCredentials(`script:${join(dir, 'missing.yaml')}`, {})).toThrow(
      /cannot read it/,
    );
  });
});
