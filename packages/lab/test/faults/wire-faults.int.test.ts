import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { startNatsServer } from '@llm-teams/broker';
import { parseTrace, type TraceEvent } from '@llm-teams/runtime';
import { cliIn, llmTeamsIn } from './cli-process.js';

const dir = mkdtempSync(join(tmpdir(), 'llmt-wire-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
const llmTeams = llmTeamsIn(dir);
const cli = cliIn(dir);

const trace = (out: string) => parseTrace(readFileSync(join(out, 'trace.jsonl'), 'utf8'));
const field = (e: TraceEvent, name: string) => (e as unknown as Record<string, unknown>)[name];
const faults = (events: TraceEvent[], name: string) =>
  events.filter((e) => e.kind === 'fault' && e.fault === name);
const suspected = (events: TraceEvent[], worker: string) =>
  events.filter(
    (e) => e.kind === 'mark' && e.name === 'worker.suspected' && e['worker'] === worker,
  );
/** Tasks finished by each worker (the board's view: `task` events with phase done). */
const doneBy = (events: TraceEvent[], worker: string) =>
  events.filter((e) => e.kind === 'task' && e.phase === 'done' && e.actor === worker);
const TEAM = ['--suite', 'tiny', '--arch', 'centralized', '--agents', '2', '--hosts', 'each'];

describe('wire faults: each host behind the fault proxy (run --hosts each)', () => {
  it('a fault file partitions a worker from the server: it can no longer reach the board or heartbeat, is suspected, and its work moves', async () => {
    writeFileSync(
      join(dir, 'cut.yaml'),
      `faults:
  - id: cut-a2
    kind: wire.partition
    hosts: a2
    when: { actor: a2, state: working }
`,
    );
    const out = join(dir, 'cut');
    const run = llmTeams([
      'run',
      ...TEAM,
      '--seed',
      '3',
      '--time-scale',
      '0.05',
      '--faults',
      'cut.yaml',
      '--out',
      out,
    ]);
    expect(await run.exited, run.stderr()).toBe(0);
    expect(run.stderr()).toMatch(/5 hosts, each behind the wire proxy/);
    const events = trace(out);
    const [cut] = faults(events, 'wire.partition');
    expect(cut).toMatchObject({ phase: 'start', hosts: ['a2'], servers: ['n1'], actors: ['a2'] });
    // Its heartbeats no longer reach the coordinator...
    expect(suspected(events, 'a2').length).toBeGreaterThan(0);
    // ...its own board operations cannot get through (they retry transient failures while the
    // run goes on without it), so it completes nothing and writes no file after the cut...
    const a2After = events.filter((e) => e.actor === 'a2' && e.wall > cut!.wall);
    const timeline = a2After.map((e) => JSON.stringify(e)).join('\n');
    expect(doneBy(a2After, 'a2'), timeline).toEqual([]);
    expect(a2After.filter((e) => e.kind === 'tool' && field(e, 'rev') !== undefined)).toEqual([]);
    // ...and its work moves: the run completed (exit 0 above) with a2 cut off, so a1 did the
    // rest, the task a2 held included.
    const allTasks = events.filter((e) => e.kind === 'task' && e.phase === 'done');
    expect(allTasks.filter((e) => e.wall > cut!.wall && e.actor === 'a1').length).toBeGreaterThan(
      0,
    );
    // Every host shows up under its own node name.
    expect(new Set(events.map((e) => e.node))).toEqual(
      new Set(['director', 'coord1', 'coord2', 'a1', 'a2']),
    );
  });

  it('chaos adds and clears a partition live, on the hosts of a running team', async () => {
    const server = await startNatsServer();
    try {
      const out = join(dir, 'live');
      const run = llmTeams([
        'run',
        ...TEAM,
        '--seed',
        '5',
        '--time-scale',
        '0.1',
        '--nats',
        server.url,
        '--out',
        out,
      ]);
      const [, team] = await run.waitFor(/team (\S+): live faults/);
      // In-process, with a real command line: a CLI start takes seconds on a loaded machine,
      // longer than the run has.
      const chaos = (...args: string[]) =>
        cli('chaos', ...args, '--team', team!, '--nats', server.url, '--wait-ms', '300');
      const added = await chaos('add', '{"id":"cut-a1","kind":"wire.partition","hosts":"a1"}');
      expect(added.code, added.stderr).toBe(0);
      expect(added.stdout).toMatch(/: added cut-a1\n$/);
      // Cleared once the coordinator has given up on a1 (the trace is written as it runs).
      const seen = () => {
        try {
          return suspected(trace(out), 'a1').length > 0;
        } catch {
          return false;
        }
      };
      while (!seen()) {
        if (run.ended()) throw new Error(`the run ended before a1 was suspected:\n${run.stderr()}`);
        await new Promise((r) => setTimeout(r, 50));
      }
      const cleared = await chaos('clear', 'cut-a1');
      expect(cleared.stdout).toMatch(/: cleared cut-a1\n$/);
      expect(await run.exited, run.stderr()).toBe(0);
      const events = trace(out);
      expect(faults(events, 'wire.partition')[0]).toMatchObject({ hosts: ['a1'], actors: ['a1'] });
      expect(faults(events, 'wire.partition.heal')[0]).toMatchObject({ phase: 'end' });
      expect(JSON.parse(readFileSync(join(out, 'result.json'), 'utf8'))).toMatchObject({
        result: { status: 'completed' },
      });
    } finally {
      await server.close();
    }
  });

  it('refuses wire faults for a run whose members share one host, before anything starts', async () => {
    writeFileSync(join(dir, 'slow.yaml'), `- { kind: wire.latency, hosts: a1, latencyMs: 20 }\n`);
    const run = await cli('run', '--suite', 'tiny', '--faults', 'slow.yaml');
    expect(run.code).toBe(2);
    expect(run.stderr).toMatch(
      /--faults: faults\[0\]: wire.latency needs hosts behind the wire proxy \(llm-teams run --hosts each\)/,
    );
  });
});
