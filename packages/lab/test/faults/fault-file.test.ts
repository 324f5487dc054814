import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { FaultSpecError } from '@llm-teams/runtime';
import {
  loadFaultFile,
  main,
  parseFaultPlan,
  teamRoster,
  type CliIo,
  type PlanContext,
} from '@llm-teams/lab';

const context: PlanContext = {
  roster: teamRoster({ arch: 'centralized', agents: 3 }),
  tasks: ['t01', 't02', 't03'],
  brokerNodes: ['n1', 'n2', 'n3'],
};

const problems = (faults: unknown[], ctx: PlanContext = context): string[] => {
  try {
    parseFaultPlan({ faults }, ctx);
  } catch (err) {
    if (err instanceof FaultSpecError) return err.problems;
    throw err;
  }
  return [];
};

const dir = mkdtempSync(join(tmpdir(), 'llmt-faults-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('fault files', () => {
  it('reads a YAML file with faults of every layer, triggers and heals', async () => {
    const file = join(dir, 'faults.yaml');
    writeFileSync(
      file,
      `seed: 9
faults:
  - kind: drop
    type: task.assign
    to: a2
    probability: 0.5
    at: 20s
    healAfterMs: 2s
  - id: cut
    kind: partition
    shape: isolate
    target: a1
    after: { messages: 5, type: task.assign }
    healAfterModelMs: 1m
  - kind: crash
    target: a2
    when: { actor: a2, state: working }
  - kind: pause
    target: a3
    healAfterMs: 500
  - kind: rate_limit
    agents: [a1]
    count: 3
    retryAfterMs: 1s
  - kind: server.kill
    node: n2
    healAfterMs: 3s
`,
    );
    const plan = await loadFaultFile(file, context);
    expect(plan.seed).toBe('9');
    expect(plan.faults.map((f) => [f.id, f.layer, f.kind])).toEqual([
      ['drop-1', 'message', 'drop'],
      ['cut', 'message', 'partition'],
      ['crash-3', 'agent', 'crash'],
      ['pause-4', 'agent', 'pause'],
      ['rate_limit-5', 'model', 'rate_limit'],
      ['server.kill-6', 'broker', 'server.kill'],
    ]);
    expect(plan.faults[0]).toMatchObject({
      trigger: { at: 20_000 },
      spec: { kind: 'drop', id: 'drop-1', healAfterMs: 2000, probability: 0.5 },
    });
    // A partition over the team's members by default.
    expect(plan.faults[1]).toMatchObject({
      trigger: { after: { messages: 5, type: 'task.assign' } },
      heal: { modelMs: 60_000 },
      spec: { actors: ['coord1', 'coord2', 'a1', 'a2', 'a3'], target: 'a1' },
    });
    expect(plan.faults[2]!.trigger).toEqual({ when: { actor: 'a2', state: 'working' } });
    expect(plan.faults[3]!.heal).toEqual({ ms: 500 });
    expect(plan.faults[4]!.spec).toMatchObject({ retryAfterMs: 1000, count: 3 });
  });

  it('reads JSON, a bare list too', async () => {
    const file = join(dir, 'faults.json');
    writeFileSync(file, JSON.stringify([{ kind: 'slow', target: 'a1', factor: 5 }]));
    expect((await loadFaultFile(file, context)).faults[0]).toMatchObject({
      layer: 'agent',
      spec: { kind: 'slow', target: 'a1', factor: 5 },
    });
  });

  it('names an unknown kind, actor, selector, bad durations and more, all at once', () => {
    expect(
      problems([
        { kind: 'explode' },
        { kind: 'drop', form: 'a1' },
        { kind: 'drop', to: 'a9' },
        { kind: 'delay', from: 'x*', delay: 'soon' },
        { kind: 'crash', target: 'director' },
        { kind: 'crash', target: 'a1', healAfterMs: 100 },
        { kind: 'pause', target: 'a1', at: '1s', when: { actor: 'a1', state: 'working' } },
        { kind: 'pause', target: 'a1', healAfterMs: '-2s' },
        { kind: 'wrong_answer', tasks: 't09' },
        { kind: 'server.pause', node: 'n7' },
        { kind: 'partition', shape: 'isolate', target: 'a1', actors: ['a1', 'a4'] },
        { kind: 'rate_limit', probability: 2 },
        { kind: 'slow', target: 'coord1', factor: 3 },
        { kind: 'drop', after: { messages: 2, typ: 'x' } },
      ]),
    ).toEqual([
      'faults[0]: unknown fault kind "explode"; known kinds: drop, delay, duplicate, reorder, hold, partition, crash, kill, restart, pause, slow, rate_limit, server_error, timeout, malformed_tool_call, truncated_tool_call, wrong_answer, latency, server.kill, server.restart, server.pause, wire.latency, wire.bandwidth, wire.partition, wire.reset, wire.half_open, clock.skew, clock.drift',
      'faults[1]: unknown field "form"',
      'faults[2].to: unknown actor "a9"; the team has director, coord1, coord2, a1, a2, a3',
      'faults[3].delay: bad duration "soon": use ms (a number >= 0) or a string like 500ms, 2s, 1.5m',
      'faults[4].target: unknown team member "director"; the team has coord1, coord2, a1, a2, a3',
      'faults[5]: a crash does not heal; remove healAfterMs / healAfterModelMs',
      'faults[6]: one trigger per fault; this one has at and when',
      'faults[7].healAfterMs: bad duration "-2s": use ms (a number >= 0) or a string like 500ms, 2s, 1.5m',
      'faults[8].tasks: unknown task "t09"; the team has t01, t02, t03',
      'faults[9].node: unknown node "n7"; the cluster has n1, n2, n3',
      'faults[10].actors: unknown actor "a4"; the team has director, coord1, coord2, a1, a2, a3',
      'faults[11].probability: Too big: expected number to be <=1',
      'faults[12].target: unknown worker "coord1"; the team has a1, a2, a3',
      'faults[13].after: unknown field "typ"',
    ]);
  });

  it('refuses broker faults where no cluster is controlled, and ids used twice', () => {
    expect(
      problems(
        [
          { id: 'x', kind: 'server.kill', node: 'n1' },
          { id: 'x', kind: 'drop' },
        ],
        { ...context, brokerNodes: [] },
      ),
    ).toEqual([
      'faults[0]: server.kill needs a NATS cluster this process started (none here)',
      'faults: the id x is used twice',
    ]);
  });

  it('checks wire faults against the hosts behind the proxy and its servers', () => {
    const wire = {
      hosts: new Map([
        ['director', ['director']],
        ['h1', ['a1', 'a2']],
        ['h2', ['a3']],
      ]),
      servers: ['n1', 'n2'],
    };
    const plan = parseFaultPlan(
      [
        { kind: 'wire.partition', hosts: 'a3', servers: 'n2', healAfterMs: '2s' },
        { kind: 'wire.latency', hosts: 'h*', latencyMs: '40ms', jitterMs: 10 },
        { kind: 'wire.half_open', side: 'server' },
      ],
      { ...context, wire },
    );
    expect(plan.faults.map((f) => [f.layer, f.kind, f.spec])).toEqual([
      ['wire', 'wire.partition', { kind: 'wire.partition', hosts: 'a3', servers: 'n2' }],
      ['wire', 'wire.latency', { kind: 'wire.latency', hosts: 'h*', latencyMs: 40, jitterMs: 10 }],
      ['wire', 'wire.half_open', { kind: 'wire.half_open', side: 'server' }],
    ]);
    expect(plan.faults[0]!.heal).toEqual({ ms: 2000 });
    expect(
      problems(
        [
          { kind: 'wire.partition', hosts: 'a9' },
          { kind: 'wire.bandwidth', servers: 'n3', bytesPerSecond: 1000 },
          { kind: 'wire.reset', healAfterMs: 100 },
          { kind: 'wire.latency', direction: 'sideways', latencyMs: 5 },
        ],
        { ...context, wire },
      ),
    ).toEqual([
      'faults[0].hosts: unknown host "a9"; the team has director, h1, h2, a1, a2, a3',
      'faults[1].servers: unknown server "n3"; the team has n1, n2',
      'faults[2]: a wire.reset does not heal; remove healAfterMs / healAfterModelMs',
      'faults[3].direction: Invalid option: expected one of "both"|"to-server"|"to-host"',
    ]);
  });

  it('reads clock faults: signed offsets, rates above -1, hosts of the team', () => {
    const hosts = new Map([
      ['director', ['director']],
      ['coord1', ['coord1']],
      ['a1', ['a1']],
    ]);
    const plan = parseFaultPlan(
      [
        { kind: 'clock.skew', hosts: 'coord1', offsetMs: '-3s' },
        { kind: 'clock.skew', offsetMs: 250 },
        { kind: 'clock.drift', hosts: 'a*', rate: 0.5, healAfterMs: '1s' },
      ],
      { ...context, hosts },
    );
    expect(plan.faults.map((f) => f.spec)).toEqual([
      { kind: 'clock.skew', hosts: 'coord1', offsetMs: -3000 },
      { kind: 'clock.skew', offsetMs: 250 },
      { kind: 'clock.drift', hosts: 'a*', rate: 0.5 },
    ]);
    expect(
      problems(
        [
          { kind: 'clock.skew', hosts: 'a7', offsetMs: 10 },
          { kind: 'clock.skew', offsetMs: 'soon' },
          { kind: 'clock.drift', rate: -1 },
        ],
        { ...context, hosts },
      ),
    ).toEqual([
      'faults[0].hosts: unknown host "a7"; the team has director, coord1, a1',
      'faults[1].offsetMs: bad offset "soon": use ms (a number, negative for behind) or a string like 5s, -500ms',
      'faults[2].rate: a clock slower than stopped has no timers that fire: use a rate above -1',
    ]);
  });

  it('reports a file that is not YAML', async () => {
    const file = join(dir, 'broken.yaml');
    writeFileSync(file, 'faults: [ {kind: drop\n');
    await expect(loadFaultFile(file, context)).rejects.toThrow(/broken\.yaml: not valid YAML/);
  });
});

describe('llm-teams run --faults', () => {
  it('stops with exit code 2 before the run starts when the file names what the team lacks', async () => {
    const file = join(dir, 'bad.yaml');
    writeFileSync(file, 'faults:\n  - kind: crash\n    target: a7\n  - kind: dorp\n');
    let stderr = '';
    const io: CliIo = {
      stdout: () => undefined,
      stderr: (t) => void (stderr += t),
      isTTY: false,
      cwd: dir,
      env: {},
    };
    const code = await main(
      ['run', '--suite', 'tiny', '--agents', '2', '--faults', 'bad.yaml'],
      io,
    );
    expect(code).toBe(2);
    expect(stderr).toBe(
      'error: --faults: 2 problems:\n' +
        '  faults[0].target: unknown team member "a7"; the team has coord1, coord2, a1, a2\n' +
        '  faults[1]: unknown fault kind "dorp"; known kinds: drop, delay, duplicate, reorder, hold, partition, crash, kill, restart, pause, slow, rate_limit, server_error, timeout, malformed_tool_call, truncated_tool_call, wrong_answer, latency, server.kill, server.restart, server.pause, wire.latency, wire.bandwidth, wire.partition, wire.reset, wire.half_open, clock.skew, clock.drift\n',
    );
  });
});
