import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { NatsConnection } from '@llm-teams/broker';
import { runTeam, startTeamNode, type TeamNode } from '@llm-teams/agents';
import type { TraceEvent } from '@llm-teams/runtime';
import { startNatsFixture, tinyTeamRun, type NatsFixture } from '@llm-teams/testkit';

const TIME_SCALE = 0.1;
const SLOW_START_MS = 1500;

describe('a team with a member in another process', () => {
  let nats: NatsFixture;
  let nc: NatsConnection;
  let nodeNc: NatsConnection;
  let node: Promise<TeamNode> | undefined;
  beforeEach(async () => {
    nats = await startNatsFixture();
    nc = await nats.connect('director');
    nodeNc = await nats.connect('node');
    node = undefined;
  });
  afterEach(async () => {
    await (await node)?.close();
    await nats.close();
  });

  it('model time starts when every member has joined: agents pace from run.started, not from before the wait for the member', async () => {
    const seen: { event: TraceEvent; atMs: number }[] = [];
    const trace = { write: (event: TraceEvent) => void seen.push({ event, atMs: Date.now() }) };
    const team = 'joinpace';
    const result = await runTeam({
      nc,
      team,
      ...tinyTeamRun({ n: 4, chain: 2, agents: 2, seed: 3, timeScale: TIME_SCALE }),
      localMembers: ['a1', 'coord1', 'coord2'],
      deadlineMs: 90_000,
      trace,
      // a2's process is slow to start (a real node takes seconds): its node starts 1.5 s after
      // the director began waiting for it. That delay is the scenario, not a wait for
      // something; it must not count as model time (15 s of it at this scale, more than most
      // of the run's makespan).
      onJoinWait: () => {
        node ??= new Promise<void>((r) => setTimeout(r, SLOW_START_MS)).then(() =>
          startTeamNode({ nc: nodeNc, team, members: ['a2'], node: 'n2', trace }),
        );
      },
    });
    expect(result.status, result.reason).toBe('completed');
    const a2Node = await node;
    await a2Node?.finished;
    const joined = seen.find(({ event: e }) => e.kind === 'mark' && e.name === 'run.joined');
    expect(joined).toBeDefined();
    // Each tool call of an agent follows its paced model call: at model time t it runs no earlier
    // than t x timeScale after the run started, which is after the join. (Test runs are left
    // out: a cached one stands for work it did not do now.)
    const tools = seen.flatMap(({ event: e, atMs }) =>
      e.kind === 'tool' && e.name !== 'run_tests' && typeof e['modelTime'] === 'number'
        ? [{ actor: e.actor, modelTime: e['modelTime'], sinceJoinMs: atMs - joined!.atMs }]
        : [],
    );
    expect(new Set(tools.map((t) => t.actor))).toEqual(new Set(['a1', 'a2']));
    const early = tools.filter((t) => t.sinceJoinMs + 2 < t.modelTime * TIME_SCALE);
    expect(early).toEqual([]);
    // So the run, from the join, takes at least its makespan in scaled model time.
    const end = seen.find(({ event: e }) => e.kind === 'mark' && e.name === 'run.end');
    expect(end!.atMs - joined!.atMs).toBeGreaterThanOrEqual(result.makespanModelMs * TIME_SCALE);
  });
});
