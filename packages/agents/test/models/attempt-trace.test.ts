import { describe, expect, it } from 'vitest';
import { llmTraceDetailOf, llmTraceOf } from '../../src/models/attempt-trace.js';
import { createModelClient } from '../../src/models/create-model-client.js';
import type { AttemptContent, AttemptReport } from '../../src/models/model-types.js';

describe('a model attempt as its llm trace event and its telemetry-only detail', () => {
  it('copies every reported field the trace keeps, and nothing of the content', () => {
    const report: AttemptReport = {
      model: 'sim:gpt-5.2',
      agentId: 'a1',
      taskId: 't1',
      callIndex: 3,
      attempt: 2,
      outcome: 'ok',
      inputTokens: 100,
      outputTokens: 20,
      cachedTokens: 40,
      latencyMs: 1500,
      costUsd: 0.01,
      stopReason: 'tool_use',
      limitWaitMs: 7,
    };
    expect(llmTraceOf(report)).toEqual({
      kind: 'llm',
      model: 'sim:gpt-5.2',
      inputTokens: 100,
      outputTokens: 20,
      cachedTokens: 40,
      latencyMs: 1500,
      attempt: 2,
      outcome: 'ok',
      callIndex: 3,
      taskId: 't1',
      costUsd: 0.01,
      finishReason: 'tool_use',
      limitWaitMs: 7,
    });
    expect(llmTraceDetailOf(undefined)).toBeUndefined();
  });

  it("hands every attempt's request and reply to onAttempt, built into conventions messages only when asked", async () => {
    const seen: { report: AttemptReport; content: AttemptContent | undefined }[] = [];
    const client = createModelClient('sim:gpt-5.2', {
      seed: 1,
      timeScale: 0,
      onAttempt: (report, content) => seen.push({ report, content }),
    });
    await client.call({
      system: 'You are a1.',
      messages: [{ role: 'user', content: 'Say hello.' }],
      tools: [],
      metadata: { agentId: 'a1' },
    });
    await client.close();
    expect(seen).toHaveLength(1);
    const { content } = seen[0]!;
    expect(content?.request.system).toBe('You are a1.');
    expect(content?.response?.stopReason).toBe(seen[0]!.report.stopReason);
    const built = llmTraceDetailOf(content)?.genAiContent?.();
    expect(built?.systemInstructions).toEqual([{ type: 'text', content: 'You are a1.' }]);
    expect(built?.input).toEqual([
      { role: 'user', parts: [{ type: 'text', content: 'Say hello.' }] },
    ]);
    expect(built?.output?.[0]).toMatchObject({ role: 'assistant' });
  });
});
