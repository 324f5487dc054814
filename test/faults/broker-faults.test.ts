/**
 * Broker faults on a local three-node cluster: a team keeps going when a nats-server dies or
 * is cut off, with its streams and buckets replicated three times.
 */
import { readFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runTeam } from '@llm-teams/agents';
import {
  connectNats,
  startNatsCluster,
  type NatsCluster,
  type NatsConnection,
} from '@llm-teams/broker';
import { createMemoryTrace, outageOf, type TraceEvent } from '@llm-teams/runtime';
import { createFaultController, parseFaultPlan, teamRoster } from '@llm-teams/lab';
import { deferred, runTimeline, tinySuite, until } from '@llm-teams/testkit';

/** `R` running, `S` sleeping, `T` stopped (SIGSTOP): the process state from /proc. */
const processState = (pid: number) => readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1]![0];

const faultsNamed = (events: TraceEvent[], name: string) =>
  events.filter((e) => e.kind === 'fault' && e.fault === name);

/*
 * Slow enough that the fault lands while the team works: triggers are armed once both
 * coordinators are up (~2.5 s on a three-node cluster, their consumers replicated), and at
 * 0.005 the whole run was often over by then, so the fault hit an idle team.
 */
const TIME_SCALE = 0.5;

/** Some task was finished after the fault: the team was at work when it hit. */
const workedThrough = (events: TraceEvent[], fault: TraceEvent) =>
  events.some((e) => e.kind === 'task' && e.phase === 'done' && e.wall > fault.wall);

describe('broker faults on a three-node cluster', () => {
  let cluster: NatsCluster;
  beforeAll(async () => {
    cluster = await startNatsCluster({ nodes: 3 });
  });
  afterAll(async () => {
    await cluster?.close();
  });

  /** Runs a small team under `faults`; the run cannot end before the `until` fault is traced. */
  async function run(
    nc: NatsConnection,
    seed: number,
    faults: unknown[],
    until: string,
    during?: (seen: (fault: string) => Promise<void>) => Promise<void>,
  ) {
    const suite = tinySuite({ n: 4, chain: 2 });
    const plan = parseFaultPlan(
      { faults },
      {
        roster: teamRoster({ arch: 'centralized', agents: 2 }),
        brokerNodes: cluster.nodes.map((n) => n.name),
      },
    );
    const controller = createFaultController({ plan, seed, timeScale: TIME_SCALE, cluster });
    const trace = createMemoryTrace();
    const waits = new Map<string, ReturnType<typeof deferred<void>>>();
    const seen = (fault: string) => {
      if (!waits.has(fault)) waits.set(fault, deferred<void>());
      return waits.get(fault)!.promise;
    };
    try {
      const result = await runTeam({
        nc,
        suite,
        arch: 'centralized',
        agents: 2,
        model: 'sim:gpt-5.2',
        seed,
        timeScale: TIME_SCALE,
        replicas: 3,
        deadlineMs: 120_000,
        trace: {
          write(e) {
            trace.write(e);
            if (e.kind === 'fault') {
              if (!waits.has(e.fault)) waits.set(e.fault, deferred<void>());
              waits.get(e.fault)!.resolve();
            }
          },
        },
        ...controller.teamOptions({
          modelOptions: { sim: { mistakeRate: 0 } },
          onStarted: async () => {
            await during?.(seen);
            await seen(until);
          },
        }),
      });
      return { result, events: trace.events };
    } finally {
      await controller.close();
    }
  }

  it('a killed node (SIGKILL) and its restart: the team, connected to it, fails over and completes', async () => {
    const nc = await connectNats({ servers: cluster.urls, name: 'team' });
    try {
      const victim = nc.info!.server_name;
      const { result, events } = await run(
        nc,
        31,
        [
          {
            kind: 'server.kill',
            node: victim,
            after: { messages: 2, type: 'task.assign' },
            healAfterMs: 1500,
          },
        ],
        'server.restart',
      );
      expect(result.status, `${result.reason}\n${runTimeline(events)}`).toBe('completed');
      const [kill] = faultsNamed(events, 'server.kill');
      const [restart] = faultsNamed(events, 'server.restart');
      expect(kill).toMatchObject({ nodes: [victim], signal: 'SIGKILL', phase: 'start' });
      expect(workedThrough(events, kill!), runTimeline(events)).toBe(true);
      expect(restart).toMatchObject({ nodes: [victim], phase: 'end' });
      expect(outageOf(kill!)).toBe('start');
      expect(outageOf(restart!)).toBe('end');
      expect(cluster.node(victim).running).toBe(true);
      // The client moved to another server.
      expect(nc.info!.server_name).not.toBe(victim);
    } finally {
      await nc.close();
    }
  });

  it('a paused node (SIGSTOP) is frozen until the pause heals; the team completes', async () => {
    const nc = await connectNats({ servers: cluster.urls, name: 'team' });
    try {
      const connected = nc.info!.server_name;
      const node = cluster.nodes.find((n) => n.name !== connected)!;
      let stopped = false;
      const { result, events } = await run(
        nc,
        32,
        [
          {
            kind: 'server.pause',
            node: node.name,
            after: { messages: 1, type: 'task.assign' },
            healAfterMs: 1500,
          },
        ],
        'server.pause.heal',
        async (seen) => {
          await seen('server.pause');
          await until('the node is stopped', () => processState(node.pid!) === 'T');
          stopped = true;
        },
      );
      expect(result.status, `${result.reason}\n${runTimeline(events)}`).toBe('completed');
      expect(stopped).toBe(true);
      expect(faultsNamed(events, 'server.pause')[0]).toMatchObject({ nodes: [node.name] });
      expect(
        workedThrough(events, faultsNamed(events, 'server.pause')[0]!),
        runTimeline(events),
      ).toBe(true);
      expect(faultsNamed(events, 'server.pause.heal')[0]).toMatchObject({ nodes: [node.name] });
      expect(processState(node.pid!)).not.toBe('T');
    } finally {
      await nc.close();
    }
  });
});
