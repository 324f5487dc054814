import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { NatsConnection } from '@llm-teams/broker';
import { createRandomWalkStrategy } from '@llm-teams/runtime';
import {
  definedScheduleTeamSchema,
  loadTeamDir,
  runScheduledTeam,
  uniqueTeamName,
  type LoadedTeam,
} from '@llm-teams/lab';
import { startNatsFixture, type NatsFixture } from '@llm-teams/testkit';

/**
 * A team of one's own under a schedule is a function of its choices: the research example
 * (LLM agents on a scripted model, a tool of its own reading files, the task board and the
 * workspace) runs to the same trace under the same strategy seed, whatever the machine's load
 * does to the file reads and NATS round trips, because each of them is a step.
 */
describe('controlled schedules of a team of one’s own', () => {
  let nats: NatsFixture;
  let nc: NatsConnection;
  let research: LoadedTeam;
  beforeAll(async () => {
    nats = await startNatsFixture();
    nc = await nats.connect();
    research = await loadTeamDir(
      new URL('../../../../examples/research', import.meta.url).pathname,
    );
  });
  afterAll(async () => {
    await nats.close();
  });
  /** The research example as a scheduled team, seed 1, with `fields` on top. */
  const researchTeam = (fields: Record<string, unknown> = {}) =>
    definedScheduleTeamSchema.parse({
      kind: 'defined',
      dir: research.dir,
      name: research.definition.name,
      digest: research.digest,
      seed: '1',
      ...fields,
    });

  it('model calls and tool calls are steps; one seed, one trace', async () => {
    const team = researchTeam();
    const run = (seed: string) =>
      runScheduledTeam({
        nc,
        definedTeam: research,
        team,
        strategy: createRandomWalkStrategy({ seed, switchProbability: 0.3 }),
        teamName: uniqueTeamName(),
      });
    const [a, again, b] = await Promise.all([run('x'), run('x'), run('y')]);
    for (const r of [a, again, b]) {
      expect(r.status, r.reason).toBe('completed');
      expect(r.end.reason).toBe('stopped');
      expect(r.failed, r.findings.join('\n')).toBe(false);
    }
    expect(again.traceDigest).toBe(a.traceDigest);
    expect(again.choices).toEqual(a.choices);
    // Another seed takes another order.
    expect(b.traceDigest).not.toBe(a.traceDigest);
    const steps = a.choices.map((c) => c.step);
    expect(steps).toEqual(
      expect.arrayContaining([
        expect.stringMatching(/^m[12]#\d+ call external\/model$/),
        expect.stringMatching(/^m[12]#\d+ call external\/tool\.read_document$/),
        expect.stringMatching(/^reducer#\d+ call external\/model$/),
        expect.stringMatching(/^m[12]#\d+ update board\/task\.\w+$/),
      ]),
    );
  });

  it("a jump fault puts one member's clock ahead of the others', and the run replays with it", async () => {
    const team = researchTeam({ jumpMs: 5000 });
    const strategy = () =>
      createRandomWalkStrategy({
        seed: 'j',
        switchProbability: 0.1,
        jump: { probability: 0.5, max: 1, actors: ['m1', 'm2'] },
      });
    const run = () =>
      runScheduledTeam({
        nc,
        definedTeam: research,
        team,
        strategy: strategy(),
        teamName: uniqueTeamName(),
      });
    const [a, again] = await Promise.all([run(), run()]);
    expect(a.status, a.reason).toBe('completed');
    const jumps = a.events.filter((e) => e.kind === 'mark' && e.name === 'sched.jump');
    expect(jumps).toHaveLength(1);
    expect(['m1', 'm2']).toContain(jumps[0]!.actor);
    expect(jumps[0]).toMatchObject({ byMs: 5000, aheadMs: 5000 });
    expect(a.choices.filter((c) => c.action === 'jump')).toHaveLength(1);
    expect(again.traceDigest).toBe(a.traceDigest);
  });
});
