import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { tinySuite, useNats } from '@llm-teams/testkit';
import { faultEvents, indexOf, marks, of, runWithFaults } from './team-harness.js';

describe('agent faults', () => {
  const nats = useNats({ before: beforeEach, after: afterEach });

  it('crash: in-memory state is lost, supervision restarts the actor and its assignment comes back', async () => {
    const { result, events } = await runWithFaults(nats.nc, {
      faults: [
        { id: 'boom', kind: 'crash', target: 'a2', when: { actor: 'a2', state: 'working' } },
      ],
    });
    expect(result.status, result.reason).toBe('completed');
    const crash = indexOf(events, (e) => e.kind === 'fault' && e.fault === 'crash');
    expect(events[crash]).toMatchObject({
      actor: 'director',
      phase: 'start',
      target: 'a2',
      faultId: 'boom',
    });
    const crashed = indexOf(
      events,
      (e) => e.kind === 'mark' && e.name === 'actor.crashed' && e.actor === 'a2',
    );
    const restarted = indexOf(
      events,
      (e) => e.kind === 'mark' && e.name === 'actor.restarted' && e.actor === 'a2',
    );
    const healed = indexOf(events, (e) => e.kind === 'fault' && e.fault === 'crash.heal');
    expect(crash).toBeGreaterThanOrEqual(0);
    expect(crashed).toBeGreaterThan(crash);
    expect(restarted).toBeGreaterThan(crashed);
    expect(healed).toBeGreaterThan(restarted);
    // The assignment it was working on was not acked: JetStream gives it to the new incarnation.
    const again = of(events, 'recv')
      .slice()
      .filter((e) => e.actor === 'a2' && e.type === 'task.assign' && e.redelivered);
    expect(again.length).toBeGreaterThan(0);
  });

  it('kill, then a live restart: the killed actor comes back and the run completes; each names its fault, and a kill of the dead actor is traced as skipped', async () => {
    const { result, events } = await runWithFaults(nats.nc, {
      faults: [{ id: 'down', kind: 'kill', target: 'a3', when: { actor: 'a3', state: 'working' } }],
      during: async (trace, controller) => {
        await trace.when((ev) => ev.some((e) => e.kind === 'fault' && e.fault === 'kill'));
        controller.add({ id: 'again', kind: 'kill', target: 'a3' });
        await trace.when((ev) => ev.some((e) => e.kind === 'fault' && e.phase === 'skipped'));
        controller.add({ id: 'back', kind: 'restart', target: 'a3' });
      },
    });
    expect(result.status, result.reason).toBe('completed');
    const kill = indexOf(events, (e) => e.kind === 'fault' && e.fault === 'kill');
    const restart = indexOf(events, (e) => e.kind === 'fault' && e.fault === 'restart');
    expect(events[kill]).toMatchObject({
      actor: 'director',
      target: 'a3',
      phase: 'start',
      faultId: 'down',
    });
    expect(events[restart]).toMatchObject({
      actor: 'director',
      target: 'a3',
      phase: 'end',
      faultId: 'back',
    });
    expect(of(events, 'fault').filter((e) => e.phase === 'skipped')).toEqual([
      expect.objectContaining({ fault: 'kill', faultId: 'again', reason: 'a3 was not running' }),
    ]);
    expect(restart).toBeGreaterThan(kill);
    // Nothing from a3 while it was down; a new incarnation (a state from nothing) after.
    const a3 = events.map((e, i) => [e, i] as const).filter(([e]) => e.actor === 'a3');
    expect(a3.some(([e, i]) => i > kill && i < restart && e.kind !== 'mark')).toBe(false);
    expect(a3.some(([e, i]) => i > restart && e.kind === 'state' && e.from === '')).toBe(true);
  });

  it('pause: the paused worker is suspected by the failure detector, then resumes', async () => {
    const { result, events } = await runWithFaults(nats.nc, {
      faults: [
        { kind: 'pause', target: 'a2', when: { actor: 'a2', state: 'working' }, healAfterMs: 1500 },
      ],
      team: { coordinator: { backups: false } },
      during: (trace) =>
        trace.when((ev) => ev.some((e) => e.kind === 'fault' && e.fault === 'pause.heal')),
    });
    expect(result.status, result.reason).toBe('completed');
    const pause = indexOf(events, (e) => e.kind === 'fault' && e.fault === 'pause');
    const heal = indexOf(events, (e) => e.kind === 'fault' && e.fault === 'pause.heal');
    const suspected = indexOf(
      events,
      (e) => e.kind === 'mark' && e.name === 'worker.suspected' && e['worker'] === 'a2',
    );
    expect(events[pause]).toMatchObject({ phase: 'start', target: 'a2', actors: ['a2'] });
    expect(events[heal]).toMatchObject({ phase: 'end', target: 'a2' });
    expect(suspected).toBeGreaterThan(pause);
    expect(suspected).toBeLessThan(heal);
  });

  it('slow: the agent becomes a straggler, and the coordinator backs its task up', async () => {
    const { result, events } = await runWithFaults(nats.nc, {
      suite: tinySuite({ n: 6, chain: 1 }),
      faults: [{ kind: 'slow', target: 'a2', factor: 10 }],
      team: {
        agents: 4,
        timeScale: 0.01,
        coordinator: { stragglerFactor: 1.5, stragglerMinMs: 100 },
      },
    });
    expect(result.status, result.reason).toBe('completed');
    expect(faultEvents(events, 'slow')[0]).toMatchObject({ phase: 'on', target: 'a2', factor: 10 });
    const hits = faultEvents(events, 'model.latency');
    expect(hits.length).toBeGreaterThan(0);
    expect(hits.every((h) => h.actor === 'a2' && h['factor'] === 10)).toBe(true);
    const backups = of(events, 'task').filter((e) => e.phase === 'claim' && e['backup'] === true);
    const a2Tasks = new Set(
      of(events, 'task')
        .filter((e) => e.actor === 'a2')
        .map((e) => e.taskId),
    );
    expect(backups.some((b) => a2Tasks.has(b.taskId))).toBe(true);
    expect(marks(events, 'actor.crashed')).toEqual([]);
  });
});
