import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { spawn } from 'node:child_process';
import { describe, expect, it } from 'vitest';
import { setup } from 'xstate';
import {
  connectNats,
  findNatsServerBinary,
  provisionTeam,
  startNatsServer,
  type NatsConnection,
} from '@llm-teams/broker';
import {
  createActorHost,
  createFailureDetector,
  parseTrace,
  systemClock,
  type ActorHost,
  type MessageEvent,
  type TraceEvent,
} from '@llm-teams/runtime';
import { runTeam } from '@llm-teams/agents';
import { analyzeTrace } from '@llm-teams/lab';
import {
  createNetnsLab,
  deferred,
  netemSupport,
  netnsSupport,
  spawnCli,
  tempDir,
  tinyTeamRun,
  until,
} from '@llm-teams/testkit';

const unsupported = netnsSupport();
if (unsupported) console.log(`network-namespace tests skipped: ${unsupported}`);
const noNetem = unsupported ? undefined : netemSupport();
if (noNetem) console.log(`netem delay and loss not applied: ${noNetem}`);

/** The lab both tests use: nats-server on host srv, reached from here over one veth pair and
 *  from host h2 over another (h2 routes through srv). */
async function startLab(dir: string) {
  const lab = createNetnsLab(['srv', 'h2']);
  const toRoot = lab.link('srv', 'root', 91);
  const toH2 = lab.link('srv', 'h2', 93);
  lab.route('h2', toH2.aAddr);
  const server = await startNatsServer({
    host: toRoot.aAddr,
    port: 4222,
    httpPort: 8222,
    binary: lab.wrapper('srv', dir, findNatsServerBinary()),
  });
  const url = `nats://${toRoot.aAddr}:4222`;
  const nc = await connectNats({ servers: url });
  return { lab, toH2, server, url, nc };
}

/** The `echo` actor's host, in namespace `ns`: a child process tracing to `tracePath`. */
function startEchoHost(ns: string, url: string, team: string, tracePath: string) {
  const fixture = new URL('./fixtures/echo-host.ts', import.meta.url).pathname;
  const remote = spawn(
    'ip',
    ['netns', 'exec', ns, process.execPath, '--import', 'tsx', fixture, url, team, tracePath],
    { stdio: ['ignore', 'pipe', 'pipe'] },
  );
  let remoteErr = '';
  remote.stderr.on('data', (b: Buffer) => (remoteErr += b.toString()));
  const started = deferred();
  remote.stdout.on('data', (b: Buffer) => b.toString().includes('ready') && started.resolve());
  const exited = new Promise<number | null>((r) => remote.once('exit', (code) => r(code)));
  /** Resolves once the host says it is ready; rejects with its stderr if it dies first. */
  const ready = () =>
    Promise.race([
      started.promise,
      exited.then(() => Promise.reject(new Error(`echo host died: ${remoteErr}`))),
    ]);
  return { remote, exited, ready };
}

/** A failure detector on `echo` alone, its suspicion and recovery as promises. */
function watchEcho(nc: NatsConnection, subjects: ActorHost['subjects']) {
  const suspected = deferred();
  const recovered = deferred();
  const detector = createFailureDetector({
    nc,
    subjects,
    clock: systemClock,
    kind: 'timeout',
    timeoutMs: 800,
    watch: (a) => a === 'echo',
    onSuspect: () => suspected.resolve(),
    onRecover: () => recovered.resolve(),
  });
  return { detector, suspected, recovered };
}

/**
 * Three "machines" in network namespaces: the server (srv) and a remote host (h2) hosting the
 * `echo` actor, each joined by veth pairs; this process hosts `client` and reaches srv over a
 * third pair. The link to h2 gets netem delay and loss where the kernel has netem, and is then
 * cut — a real partition at the network layer — while the client keeps sending.
 */
describe.runIf(unsupported === undefined)('actors across network namespaces', () => {
  it('a cut link: the remote actor is suspected, at-least-once messages wait and arrive once, in order, after the heal', async () => {
    const { dir, cleanup } = tempDir();
    const { lab, toH2, server, url, nc } = await startLab(dir);
    if (!noNetem) toH2.impair(20, 2);
    const team = 'netns';
    await provisionTeam(nc, { team });
    const remoteTrace = join(dir, 'trace.h2.jsonl');
    const echo = startEchoHost(lab.ns('h2'), url, team, remoteTrace);
    const { remote, exited } = echo;

    const events: TraceEvent[] = [];
    const pongs: number[] = [];
    const host = await createActorHost({
      nc,
      team,
      node: 'root',
      seed: 1,
      trace: { write: (e) => void events.push(e) },
      delivery: { types: { ping: 'at-least-once', pong: 'at-least-once' } },
    });
    const { detector, suspected, recovered } = watchEcho(nc, host.subjects);
    try {
      const client = await host.spawn(
        'client',
        setup({ types: { events: {} as MessageEvent<'pong', { n: number }> } }).createMachine({
          on: { pong: { actions: ({ event }) => void pongs.push(event.body.n) } },
        }),
      );
      await echo.ready();
      const send = (from: number, to: number) => {
        for (let n = from; n <= to; n++) client.runtime.tell('echo', 'ping', { n });
      };
      send(1, 10);
      await until('pongs before the cut', () => pongs.length === 10);
      toH2.cut();
      await suspected.promise;
      // Sent while the link is down: JetStream keeps them for the unreachable actor.
      send(11, 20);
      await host.flush();
      toH2.restore();
      await recovered.promise;
      await until('every pong after the heal', () => pongs.length >= 20, 60_000);
      expect(pongs).toEqual(Array.from({ length: 20 }, (_, i) => i + 1));
      remote.kill('SIGTERM');
      expect(await exited).toBe(0);
      const all = [...events, ...parseTrace(readFileSync(remoteTrace, 'utf8'))];
      // Each ping processed exactly once by echo, whatever redeliveries the cut caused.
      const processed = all.filter((e) => e.kind === 'recv' && e.actor === 'echo' && !e.dup);
      expect(processed).toHaveLength(20);
      const errors = analyzeTrace(all, {}).findings.filter((f) => f.severity === 'error');
      expect(errors.map((f) => f.verdict)).toEqual([]);
    } finally {
      detector.close();
      remote.kill('SIGKILL');
      await host.close();
      await nc.close().catch(() => undefined);
      await server.close();
      lab.close();
      cleanup();
    }
  });

  it('a team with an agent behind a cut link: the agent is suspected, its work moves, the run completes and the checkers pass', async () => {
    const { dir, cleanup } = tempDir();
    const { lab, toH2, server, url, nc } = await startLab(dir);
    const team = 'netteam';
    // a2 runs as `llm-teams node` on host h2; the coordinators and a1 run here.
    const node = spawnCli(
      ['node', '--nats', url, '--team', team, '--agents', 'a2', '--out', dir, '--node', 'h2'],
      {
        wrap: ['ip', 'netns', 'exec', lab.ns('h2')],
      },
    );
    const events: TraceEvent[] = [];
    let healed: Promise<void> | undefined;
    try {
      const result = await runTeam({
        nc,
        team,
        // Paced by model time from the moment a2 joined (a task is ~0.3-0.7 s here; the node's
        // seconds of start-up are no model time), so the run outlasts the cut and the failure
        // detector's timeout: the cut must fall mid-run. Test runs take milliseconds in worker
        // threads, so nothing else keeps the run going.
        ...tinyTeamRun({ n: 10, chain: 3, agents: 2, seed: 3, timeScale: 0.05 }),
        localMembers: ['a1', 'coord1', 'coord2'],
        deadlineMs: 150_000,
        failureDetection: { kind: 'timeout', heartbeatMs: 100, timeoutMs: 1000 },
        trace: { write: (e) => void events.push(e) },
        onStarted: () => {
          // Cut h2 off once a2 has finished a task here, heal once the coordinator suspects it.
          const fromA2 = () =>
            events.some((e) => e.kind === 'recv' && e.type === 'task.done' && e.from === 'a2');
          const suspected = () =>
            events.some(
              (e) => e.kind === 'mark' && e.name === 'worker.suspected' && e['worker'] === 'a2',
            );
          healed = until('a task done by a2', fromA2, 60_000)
            .then(() => toH2.cut())
            .then(() => until('a2 suspected', suspected, 30_000))
            .then(() => toH2.restore());
        },
      });
      await healed;
      expect(result.status, result.reason).toBe('completed');
      expect(result.tasks.every((t) => t.status === 'done')).toBe(true);
      const out = await node.exited;
      expect(out.code, out.stderr).toBe(0);
      const remote = parseTrace(readFileSync(join(dir, 'trace.h2.jsonl'), 'utf8'));
      expect(remote.some((e) => e.kind === 'task' && e.phase === 'done')).toBe(true);
      const errors = analyzeTrace([...events, ...remote], {}).findings.filter(
        (f) => f.severity === 'error',
      );
      expect(errors.map((f) => f.verdict)).toEqual([]);
    } finally {
      node.kill('SIGKILL');
      await nc.close().catch(() => undefined);
      await server.close();
      lab.close();
      cleanup();
    }
  });
});
