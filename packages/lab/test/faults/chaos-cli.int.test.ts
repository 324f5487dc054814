import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, beforeEach, describe, expect, it } from 'vitest';
import { cliIn } from './cli-process.js';
import { parseTrace } from '@llm-teams/runtime';
import { tinySuite, useNats } from '@llm-teams/testkit';
import { faultEvents, runWithFaults } from './team-harness.js';

const dir = mkdtempSync(join(tmpdir(), 'llmt-chaos-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** The CLI in-process (usage errors are caught before any server starts). */
const cli = cliIn(dir);

describe('llm-teams chaos', () => {
  const nats = useNats({ before: beforeEach, after: afterEach });

  it('adds, lists and clears faults in a running team over its control subject', async () => {
    const said: Record<string, Awaited<ReturnType<typeof cli>>> = {};
    const { result, events } = await runWithFaults(nats.nc, {
      suite: tinySuite({ n: 4, chain: 2 }),
      faults: [],
      controller: { nc: nats.nc, node: 'team-node' },
      during: async (_trace, _controller, team) => {
        // The run waits for these calls; answers are gathered for the whole wait, which must
        // outlast a busy event loop (300 ms did not, once, under load).
        const chaos = (...args: string[]) =>
          cli('chaos', ...args, '--team', team.team, '--nats', nats.url, '--wait-ms', '1500');
        said['add'] = await chaos(
          'add',
          '{"id":"mute","kind":"delay","type":"task.*","delay":"30ms"}',
          '{"id":"nap","kind":"pause","target":"a3","healAfterMs":200}',
        );
        said['list'] = await chaos('list');
        said['bad'] = await chaos('add', '{"kind":"crash","target":"a9"}');
        said['clear'] = await chaos('clear', 'mute');
      },
    });
    expect(result.status, result.reason).toBe('completed');
    expect(said['add']).toMatchObject({ code: 0, stdout: 'team-node: added mute, nap\n' });
    expect(said['list']!.stdout).toMatch(
      /^team-node: mute delay active; nap pause (active|healing|healed)\n$/,
    );
    expect(said['bad']!.code).toBe(1);
    expect(said['bad']!.stdout).toMatch(
      /team-node: refused:\n {2}fault\S*\.target: unknown team member "a9"; the team has coord1, coord2, a1, a2, a3/,
    );
    expect(said['clear']).toMatchObject({ code: 0, stdout: 'team-node: cleared mute\n' });
    expect(faultEvents(events, 'delay').map((e) => e['phase'] ?? e['side'])[0]).toBe('on');
    expect(faultEvents(events, 'delay').at(-1)).toMatchObject({ phase: 'off', reason: 'cleared' });
    expect(faultEvents(events, 'pause')).toHaveLength(1);
    expect(faultEvents(events, 'pause.heal')).toHaveLength(1);
  });

  it('says so when no process serves the team, and checks faults before sending them', async () => {
    const nobody = await cli(
      'chaos',
      'list',
      '--team',
      'ghost',
      '--nats',
      nats.url,
      '--wait-ms',
      '100',
    );
    expect(nobody.code).toBe(1);
    expect(nobody.stderr).toMatch(/no process serves team ghost/);
    const bad = await cli(
      'chaos',
      'add',
      '{"kind":"drop","probability":3}',
      '--team',
      'x',
      '--nats',
      nats.url,
    );
    expect(bad.code).toBe(2);
    expect(bad.stderr).toMatch(/<faults>: faults\[0\]\.probability: /);
    const verb = await cli('chaos', 'explode', '--team', 'x');
    expect(verb.code).toBe(2);
    expect(verb.stderr).toMatch(/unknown action "explode"; use add, clear, list/);
  });
});

describe('llm-teams run --faults', () => {
  it('runs a team under a fault file and traces every fault', async () => {
    writeFileSync(
      join(dir, 'faults.yaml'),
      `faults:
  - kind: crash
    target: a2
    when: { actor: a2, state: working }
  - kind: duplicate
    type: task.cancel
  - kind: rate_limit
    agents: a1
    count: 1
`,
    );
    const out = join(dir, 'run');
    const res = await cli(
      'run',
      '--suite',
      'tiny',
      '--agents',
      '2',
      '--time-scale',
      '0.002',
      '--faults',
      'faults.yaml',
      '--out',
      out,
    );
    expect(res.code, res.stderr).toBe(0);
    expect(res.stderr).toMatch(/team \S+: live faults with llm-teams chaos --team \S+/);
    const events = parseTrace(readFileSync(join(out, 'trace.jsonl'), 'utf8'));
    expect(faultEvents(events, 'crash')).toHaveLength(1);
    expect(faultEvents(events, 'crash.heal')).toHaveLength(1);
    expect(faultEvents(events, 'duplicate')[0]).toMatchObject({ phase: 'on' });
    expect(faultEvents(events, 'model.rate_limit').filter((e) => e.actor === 'a1')).toHaveLength(1);
  });
});
