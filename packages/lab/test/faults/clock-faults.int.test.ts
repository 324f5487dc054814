import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { parseTrace, type TraceEvent } from '@llm-teams/runtime';
import { llmTeamsIn } from './cli-process.js';

const dir = mkdtempSync(join(tmpdir(), 'llmt-clock-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
const llmTeams = llmTeamsIn(dir);

const marks = (events: TraceEvent[], name: string, actor: string) =>
  events.filter((e) => e.kind === 'mark' && e.name === name && e.actor === actor);
const faults = (events: TraceEvent[], name: string) =>
  events.filter((e) => e.kind === 'fault' && e.fault === name);

describe('clock faults: each host has its own clock (run --hosts each)', () => {
  it('a leader whose clock falls behind loses its live lease to the standby', async () => {
    // Whichever coordinator leads first falls 3 s behind as it starts leading: its lease
    // ends, by the standby's clock, 1.5 s before it wrote it. The second leader falls behind
    // too, so the two agree again and there is one takeover.
    writeFileSync(
      join(dir, 'clocks.yaml'),
      `faults:
  - id: behind1
    kind: clock.skew
    hosts: coord1
    offsetMs: -3s
    when: { actor: coord1, state: leading }
  - id: behind2
    kind: clock.skew
    hosts: coord2
    offsetMs: -3s
    when: { actor: coord2, state: leading }
`,
    );
    const out = join(dir, 'run');
    const run = llmTeams([
      'run',
      ...['--suite', 'tiny', '--arch', 'centralized', '--agents', '2', '--hosts', 'each'],
      ...['--time-scale', '0.05', '--faults', 'clocks.yaml', '--out', out],
    ]);
    expect(await run.exited, run.stderr()).toBe(0);
    const events = parseTrace(readFileSync(join(out, 'trace.jsonl'), 'utf8'));
    const story = events
      .filter((e) => e.kind === 'mark' || e.kind === 'fault')
      .map((e) => JSON.stringify(e))
      .join('\n');
    const elected = events.filter((e) => e.kind === 'mark' && e.name === 'leader.elected');
    expect(elected.map((e) => e.actor).sort(), story).toEqual(['coord1', 'coord2']);
    const [first, second] = elected.map((e) => e.actor);
    const skews = faults(events, 'clock.skew');
    expect(skews.map((e) => (e as unknown as { hosts: string[] }).hosts).flat(), story).toEqual([
      first,
      second,
    ]);
    expect(skews[0]).toMatchObject({ offsetMs: -3_000, phase: 'on' });
    // The first leader never failed: the standby read its lease as expired by its own clock
    // and took it (compare-and-set on the lease's revision); the first leader learnt it at
    // its next renewal.
    expect(
      String((marks(events, 'leader.lost', first!)[0] as { reason?: string } | undefined)?.reason),
      story,
    ).toMatch(new RegExp(`lease held by ${second}|renewal refused`));
    expect(events.filter((e) => e.kind === 'fault' && /kill|crash|pause/.test(e.fault))).toEqual(
      [],
    );
  });
});
