import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { outageOf } from '@llm-teams/runtime';
import { tinySuite, useNats } from '@llm-teams/testkit';
import { faultEvents, indexOf, marks, of, runWithFaults } from './team-harness.js';

/*
 * Two publish attempts at most, so dropping both attempts of one message fails it
 * for good (as a broker outage longer than the budget would); and no backup copies, so nothing
 * but the mechanism under test can get its task done.
 */
// Two attempts, the second at once: a count-2 drop on one sender's reports hits both attempts
// of one message, not the first attempts of two (the next report may be sent within a backoff).
const noRetryNoBackups = {
  timeScale: 0.01,
  durable: { publishRetry: { maxAttempts: 2, initialDelayMs: 0, jitter: 0 } },
  coordinator: { backups: false },
};

describe('message faults in a team', () => {
  const nats = useNats({ before: beforeEach, after: afterEach });

  it('a partition after k messages isolates a worker until it heals; the run completes', async () => {
    const { result, events } = await runWithFaults(nats.nc, {
      suite: tinySuite({ n: 6, chain: 2 }),
      faults: [
        {
          id: 'island',
          kind: 'partition',
          shape: 'isolate',
          target: 'a2',
          after: { messages: 2, type: 'task.assign' },
          healAfterMs: 800,
        },
      ],
      // The run cannot end before the partition has healed.
      during: (trace) =>
        trace.when((ev) => ev.some((e) => e.kind === 'fault' && e.fault === 'partition.heal')),
    });
    expect(result.status, result.reason).toBe('completed');
    const start = indexOf(events, (e) => e.kind === 'fault' && e.fault === 'partition');
    const heal = indexOf(events, (e) => e.kind === 'fault' && e.fault === 'partition.heal');
    expect(events[start]).toMatchObject({
      phase: 'start',
      faultId: 'island',
      groups: [['a2'], ['coord1', 'coord2', 'a1', 'a3']],
    });
    expect(outageOf(events[start]!)).toBe('start');
    expect(outageOf(events[heal]!)).toBe('end');
    // Triggered after the second assignment went out.
    const assigns = events
      .map((e, i) => [e, i] as const)
      .filter(([e]) => e.kind === 'send' && e.type === 'task.assign');
    expect(assigns[1]![1]).toBeLessThan(start);
    // Nothing sent across the partition after it started was received before it healed.
    const sentAt = new Map<string, number>();
    events.forEach((e, i) => {
      if (e.kind === 'send' && !sentAt.has(e.msgId)) sentAt.set(e.msgId, i);
    });
    const crossed = events.slice(start, heal).filter((e) => {
      if (e.kind !== 'recv' || (sentAt.get(e.msgId) ?? -1) < start) return false;
      return (e.actor === 'a2') !== (e.from === 'a2');
    });
    expect(crossed).toEqual([]);
  });

  it('an assignment whose publish retries all fail (send.failed) is given out again', async () => {
    const { result, events } = await runWithFaults(nats.nc, {
      // One chain: one assignment in flight at a time, so the two drops hit both attempts of
      // one, whenever the trigger fires. With independent tasks a loaded machine published the
      // first assignments (several in one step) after it, and the drops hit two of them.
      suite: tinySuite({ n: 4, chain: 4 }),
      faults: [{ id: 'outage', kind: 'drop', type: 'task.assign', count: 2, at: '10s' }],
      team: noRetryNoBackups,
    });
    expect(result.status, result.reason).toBe('completed');
    const drops = faultEvents(events, 'drop').filter((f) => f['side'] === 'send');
    expect(drops).toHaveLength(2);
    expect(drops[1]!['msgId']).toBe(drops[0]!['msgId']);
    const failed = marks(events, 'send.failed');
    expect(failed.map((m) => m['msgId'])).toEqual([drops[0]!['msgId']]);
    // The coordinator took the assignment back and gave the task out again at once, and it got
    // done.
    const [undelivered, ...more] = marks(events, 'assign.undelivered');
    expect(more).toEqual([]);
    expect(undelivered).toMatchObject({
      msgId: drops[0]!['msgId'],
      messageType: 'task.assign',
      copy: 'owner',
    });
    const taskId = undelivered!['held'] as string;
    const at = events.indexOf(undelivered!);
    const again = of(events, 'send').find(
      (e) => e.type === 'task.assign' && events.indexOf(e) > at && e.actor === undelivered!.actor,
    );
    expect(again).toBeDefined();
    const started = events.find(
      (e) =>
        e.kind === 'task' &&
        e.taskId === taskId &&
        e.phase === 'start' &&
        e.actor === again!.to &&
        events.indexOf(e) > at,
    );
    expect(started, `${taskId} started by ${again!.to}`).toBeDefined();
    expect((started as { backup?: boolean }).backup).toBeUndefined();
    expect(result.tasks.find((t) => t.id === taskId)?.status).toBe('done');
  });

  it("a worker's report whose publish retries all fail is sent again", async () => {
    const { result, events } = await runWithFaults(nats.nc, {
      suite: tinySuite({ n: 6, chain: 4 }),
      faults: [
        // a1's first report (one sender, so both drops hit the two attempts of one message:
        // two workers' first reports can race); its dependents wait on it, so the run cannot end
        // (the board saying all done) before the report is in.
        { id: 'outage', kind: 'drop', type: 'task.done', from: 'a1', to: 'coord1', count: 2 },
      ],
      team: noRetryNoBackups,
    });
    expect(result.status, result.reason).toBe('completed');
    const drops = faultEvents(events, 'drop').filter((f) => f['side'] === 'send');
    expect(drops).toHaveLength(2);
    const lost = of(events, 'send').find((e) => e.msgId === drops[0]!['msgId'])!;
    expect(lost).toMatchObject({ type: 'task.done', to: 'coord1' });
    const [resent, ...more] = marks(events, 'report.resent');
    expect(more).toEqual([]);
    expect(resent).toMatchObject({
      actor: lost.actor,
      to: 'coord1',
      messageType: 'task.done',
      failedMsgId: lost.msgId,
    });
    // The report went out again as a new message, and the coordinator got it.
    const again = of(events, 'send').find(
      (e) =>
        e.actor === lost.actor &&
        e.type === 'task.done' &&
        e.to === 'coord1' &&
        events.indexOf(e) > events.indexOf(resent!),
    )!;
    expect(again.msgId).not.toBe(lost.msgId);
    expect(of(events, 'recv').some((e) => e.actor === 'coord1' && e.msgId === again.msgId)).toBe(
      true,
    );
  });

  it('a drop at a model time: the first assignment published after it is lost, then published again', async () => {
    const timeScale = 0.01;
    const { result, events } = await runWithFaults(nats.nc, {
      // The first assignments go out as the team starts; the chain's later ones only after
      // its earlier tasks were done, well after the trigger.
      suite: tinySuite({ n: 6, chain: 4 }),
      faults: [{ id: 'lose', kind: 'drop', type: 'task.assign', count: 1, at: '10s' }],
      team: { timeScale },
    });
    expect(result.status, result.reason).toBe('completed');
    const on = indexOf(
      events,
      (e) => e.kind === 'fault' && e.fault === 'drop' && e['phase'] === 'on',
    );
    const runStart = marks(events, 'run.start')[0]!.wall;
    expect(events[on]!.wall - runStart).toBeGreaterThanOrEqual(10_000 * timeScale - 50);
    const drops = faultEvents(events, 'drop').filter((f) => f['side'] === 'send');
    expect(drops).toHaveLength(1);
    const lost = drops[0]!;
    const send = of(events, 'send').find((e) => e.msgId === lost['msgId'])!;
    expect(send.type).toBe('task.assign');
    // Assignments before the trigger went through untouched; the lost publish was retried.
    expect(events.indexOf(lost)).toBeGreaterThan(on);
    const first = of(events, 'send').filter(
      (e) => e.type === 'task.assign' && events.indexOf(e) > on,
    )[0]!;
    expect(first.msgId).toBe(send.msgId);
    const got = of(events, 'recv').filter((e) => e.msgId === send.msgId);
    expect(got.map((e) => e.actor)).toEqual([send.to]);
  });
});
