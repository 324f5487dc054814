import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { parseTrace, type TraceEvent } from '@llm-teams/runtime';
import { processAlive, readUpState } from '@llm-teams/lab';
import { cliIn, llmTeamsIn } from './cli-process.js';

const dir = mkdtempSync(join(tmpdir(), 'llmt-broker-cli-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
const llmTeams = llmTeamsIn(dir);
const cli = cliIn(dir);

const faults = (events: TraceEvent[], name: string) =>
  events.filter((e) => e.kind === 'fault' && e.fault === name);
/** `T`: the process is stopped (SIGSTOP). */
const processState = (pid: number) => readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1]![0];

describe('broker faults from the command line', () => {
  it('run --up-dir: a fault file kills and restarts a server `up` started, chaos pauses another; the team completes', async () => {
    const up = await llmTeams(['up', '--nodes', '3', '--dir', 'servers']).exited;
    expect(up).toBe(0);
    const upDir = join(dir, 'servers');
    const before = readUpState(upDir)!;
    const pids = new Set(before.nodes.map((n) => n.pid));
    try {
      writeFileSync(
        join(dir, 'kill.yaml'),
        `faults:
  - kind: server.kill
    node: n2
    after: { messages: 2, type: task.assign }
    healAfterMs: 10m
`,
      );
      const out = join(dir, 'run');
      const run = llmTeams([
        'run',
        '--suite',
        'tiny',
        '--arch',
        'centralized',
        '--agents',
        '2',
        '--time-scale',
        '0.1',
        '--up-dir',
        'servers',
        // The run's own connection stays on n1, so the faults on n2 and n3 never cut the
        // control subject chaos talks to (failover is tested in test/faults).
        '--nats',
        before.nodes[0]!.url,
        '--faults',
        'kill.yaml',
        '--out',
        out,
      ]);
      const [, team] = await run.waitFor(/team (\S+): live faults/);
      const n3 = before.nodes.find((n) => n.name === 'n3')!;
      const paused = await cli(
        'chaos',
        'add',
        '{"id":"nap","kind":"server.pause","node":"n3","healAfterMs":800}',
        '--team',
        team!,
        '--nats',
        before.nodes[0]!.url,
        '--wait-ms',
        '300',
      );
      expect(paused.stdout, paused.stderr).toMatch(/: added nap\n$/);
      expect(await run.exited, run.stderr()).toBe(0);
      const events = parseTrace(readFileSync(join(out, 'trace.jsonl'), 'utf8'));
      expect(faults(events, 'server.kill')[0]).toMatchObject({ nodes: ['n2'], phase: 'start' });
      // The kill's heal was still pending when the run ended: the run restarts n2 as it ends,
      // before its trace closes.
      expect(faults(events, 'server.restart')[0]).toMatchObject({ nodes: ['n2'], phase: 'end' });
      expect(faults(events, 'server.pause')[0]).toMatchObject({ nodes: ['n3'], faultId: 'nap' });
      expect(faults(events, 'server.pause.heal')[0]).toMatchObject({ nodes: ['n3'] });
      // The restarted server is a new process, recorded for `down`; the paused one runs on.
      const after = readUpState(upDir)!;
      for (const n of after.nodes) pids.add(n.pid);
      const n2 = after.nodes.find((n) => n.name === 'n2')!;
      expect(n2.pid).not.toBe(before.nodes.find((n) => n.name === 'n2')!.pid);
      expect(processAlive(n2.pid)).toBe(true);
      expect(processState(n3.pid)).not.toBe('T');
    } finally {
      expect(await llmTeams(['down', '--dir', 'servers', '--purge']).exited).toBe(0);
    }
    for (const pid of pids) expect(processAlive(pid)).toBe(false);
  }, 180_000); // three servers and a team of five on a loaded machine: minutes, not 60 s

  it('checks broker faults against the cluster the run starts (--cluster), before it starts', async () => {
    writeFileSync(join(dir, 'n7.yaml'), `- { kind: server.pause, node: n7 }\n`);
    const res = await cli('run', '--suite', 'tiny', '--cluster', '3', '--faults', 'n7.yaml');
    expect(res.code).toBe(2);
    expect(res.stderr).toMatch(/faults\[0\]\.node: unknown node "n7"; the cluster has n1, n2, n3/);
    const without = await cli('run', '--suite', 'tiny', '--faults', 'n7.yaml');
    expect(without.stderr).toMatch(/server.pause needs a NATS cluster this process started/);
  });
});
