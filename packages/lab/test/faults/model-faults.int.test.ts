import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createModelClient } from '@llm-teams/agents';
import { createRandom, type FaultEventPayload } from '@llm-teams/runtime';
import { ModelFaults } from '@llm-teams/lab';
import { useNats } from '@llm-teams/testkit';
import { faultEvents, of, runWithFaults, type Ev } from './team-harness.js';

type Llm = Ev<'llm'>;

/** The attempts a model fault hit (not its activation, which has a phase). */
const hitsOf = (events: Parameters<typeof faultEvents>[0], name: string) =>
  faultEvents(events, name).filter((e) => e['phase'] === undefined);

/** The llm events of one model call (agent, call index), in attempt order. */
const attemptsOf = (events: Llm[], agent: string, callIndex: number) =>
  events.filter((e) => e.actor === agent && e['callIndex'] === callIndex);

describe('model faults', () => {
  const nats = useNats({ before: beforeEach, after: afterEach });

  it('latency: a reply takes factor times its model time', async () => {
    const recorded: FaultEventPayload[] = [];
    const faults = new ModelFaults(createRandom('m'), (_agent, e) => recorded.push(e));
    faults.add('slow', { kind: 'latency', agents: 'a1', factor: 7 });
    const request = {
      system: 'You are a1.',
      messages: [{ role: 'user' as const, content: 'Say hello.' }],
      tools: [],
      metadata: { agentId: 'a1', purpose: 'coordinate' as const },
    };
    const latency = async (hook?: ModelFaults['decide']) => {
      const client = createModelClient('sim:gpt-5.2', {
        seed: 3,
        timeScale: 0,
        ...(hook ? { sim: { faults: hook } } : {}),
      });
      try {
        return (await client.call(request)).latencyMs;
      } finally {
        await client.close();
      }
    };
    const base = await latency();
    expect(await latency(faults.decide)).toBe(Math.round(base * 7));
    expect(recorded).toMatchObject([{ fault: 'model.latency', faultId: 'slow', factor: 7 }]);
  });

  it('429 storms, 5xx and timeouts: failed attempts in the trace, then the retry succeeds', async () => {
    const { result, events } = await runWithFaults(nats.nc, {
      faults: [
        { id: 'storm', kind: 'rate_limit', agents: 'a1', count: 3, retryAfterMs: '200ms' },
        { id: 'down', kind: 'server_error', agents: 'a2', count: 2, status: 503 },
        { id: 'slow', kind: 'timeout', agents: 'a3', count: 1 },
      ],
      team: { modelOptions: { timeoutMs: 60_000 } },
    });
    expect(result.status, result.reason).toBe('completed');
    const llm = of(events, 'llm');
    for (const [agent, fault, outcome, n] of [
      ['a1', 'model.rate_limit', 'rate_limited', 3],
      ['a2', 'model.server_error', 'server_error', 2],
      ['a3', 'model.timeout', 'timeout', 1],
    ] as const) {
      const hits = hitsOf(events, fault);
      expect(hits, fault).toHaveLength(n);
      expect(hits.every((h) => h.actor === agent)).toBe(true);
      const call = attemptsOf(llm, agent, hits[0]!['callIndex'] as number);
      expect(call.map((e) => e.outcome)).toEqual([...Array<string>(n).fill(outcome), 'ok']);
      expect(call.at(-1)!.attempt).toBe(n + 1);
    }
    expect(hitsOf(events, 'model.rate_limit')[0]).toMatchObject({ retryAfterMs: 200 });
    expect(hitsOf(events, 'model.server_error')[0]).toMatchObject({ status: 503 });
    // A timeout costs the attempt its whole timeout, in model time.
    const timedOut = attemptsOf(
      llm,
      'a3',
      hitsOf(events, 'model.timeout')[0]!['callIndex'] as number,
    );
    expect(timedOut[0]!.latencyMs).toBe(60_000);
  });

  it('malformed and truncated tool calls are not executed; a wrong answer fails its tests', async () => {
    const { result, events } = await runWithFaults(nats.nc, {
      faults: [
        { kind: 'malformed_tool_call', tasks: 't01', purpose: 'code', count: 1 },
        { kind: 'truncated_tool_call', tasks: 't02', purpose: 'code', count: 1 },
        { kind: 'wrong_answer', tasks: 't03', purpose: 'code', count: 1 },
      ],
      // No backup copy may finish a task before the damaged one is retried.
      team: { coordinator: { backups: false } },
    });
    expect(result.status, result.reason).toBe('completed');
    for (const fault of ['model.malformed_tool_call', 'model.truncated_tool_call']) {
      const [hit] = hitsOf(events, fault);
      expect(hit, fault).toBeDefined();
      // Between the damaged reply and the agent's next model call, the damaged call (the
      // reply's first) was not executed: the agent told the model it was invalid instead.
      const lane = events.filter((e) => e.actor === hit!.actor);
      const from = lane.findIndex((e) => e.kind === 'llm' && e['callIndex'] === hit!['callIndex']);
      const next = lane.findIndex((e, i) => i > from && e.kind === 'llm');
      const damaged = (hit!['tools'] as string[])[0]!;
      const ran = lane.slice(from, next).filter((e) => e.kind === 'tool' && e.name === damaged);
      expect(ran, fault).toEqual([]);
      expect(next, fault).toBeGreaterThan(from);
    }
    // With the calibrated mistakes off, the only failed test run is the wrong answer's.
    const failed = of(events, 'tool').filter((e) => e.name === 'run_tests' && e.outcome === 'fail');
    expect(failed.map((e) => e['taskId'])).toEqual(['t03']);
    expect(hitsOf(events, 'model.wrong_answer')).toMatchObject([{ tools: ['write_file'] }]);
  });

  it('a reply that outlasts the JetStream ack wait: in-progress acks keep the assignment from redelivery', async () => {
    const ackWaitMs = 250;
    const timeScale = 0.002;
    const { result, events } = await runWithFaults(nats.nc, {
      faults: [
        // t01's first reply (whoever works on it): its latency is drawn for the task, so the
        // seed fixes it.
        { id: 'long', kind: 'latency', tasks: 't01', purpose: 'code', count: 1, factor: 25 },
      ],
      team: {
        timeScale,
        durable: { ackWaitMs, workingIntervalMs: 70 },
        modelOptions: { timeoutMs: 100_000_000 },
        coordinator: { backups: false },
      },
    });
    expect(result.status, result.reason).toBe('completed');
    const [hit] = hitsOf(events, 'model.latency');
    expect(hit).toMatchObject({ taskId: 't01', factor: 25 });
    const reply = attemptsOf(of(events, 'llm'), hit!.actor, hit!['callIndex'] as number)[0]!;
    // Paced in real time, the reply took several ack waits.
    expect(reply.latencyMs * timeScale).toBeGreaterThan(2 * ackWaitMs);
    expect(result.hostStats.inProgressAcks).toBeGreaterThan(0);
    const assigns = of(events, 'recv').filter((e) => e.type === 'task.assign');
    // Without the in-progress acks JetStream delivers it again after its ack wait, and a1
    // sees a redelivered duplicate.
    expect(assigns.filter((e) => e.redelivered || e.dup)).toEqual([]);
  });
});
