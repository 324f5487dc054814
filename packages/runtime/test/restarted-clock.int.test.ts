import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { setup } from 'xstate';
import {
  checkLamport,
  createKvSnapshotStore,
  createMemoryTrace,
  createTraceIndex,
  type ActorHost,
  type Envelope,
  type SnapshotStore,
  type TraceEvent,
} from '@llm-teams/runtime';
import { startHostFixture, type HostFixture } from '@llm-teams/testkit';

const idle = () => setup({}).createMachine({});

/** Sends `n` notes from `from` to `to` on the actor's behalf; returns the envelopes. */
function notes(host: ActorHost, from: string, to: string, n: number): Envelope[] {
  const runtime = host.actor(from)!.runtime;
  return Array.from({ length: n }, (_, i) => runtime.tell(to, 'note.sent', { i }));
}

/** The Lamport findings about lanes (an actor's own events going backwards). */
function laneFindings(trace: { events: TraceEvent[] }) {
  return checkLamport(createTraceIndex(trace.events)).filter((f) =>
    ['seq-increasing', 'lamport-increasing'].includes(f.details['rule'] as string),
  );
}

describe("a killed and restarted actor's clock and channel sequence", () => {
  let t: HostFixture;
  let snapshots: SnapshotStore;
  beforeEach(async () => {
    t = await startHostFixture({ team: 'clock' });
    snapshots = createKvSnapshotStore(await t.resources!.bucket('snapshots'));
  });
  afterEach(() => t.close());

  it('continues after what it sent since its last checkpoint, not from the checkpoint', async () => {
    const trace = createMemoryTrace();
    const host = await t.host({ node: 'n1', trace, snapshots });
    await host.spawn('boss', idle(), { durable: false });
    const worker = await host.spawn('worker', idle(), { durable: false });
    notes(host, 'worker', 'boss', 2);
    await worker.checkpoint();
    // Sent after the checkpoint: the checkpoint does not know these.
    const before = notes(host, 'worker', 'boss', 3);
    await worker.stop();
    await host.spawn('worker', idle(), { durable: false });
    const [after] = notes(host, 'worker', 'boss', 1);
    expect(after!.lamport).toBeGreaterThan(before[2]!.lamport);
    expect(after!.seq).toBe(before[2]!.seq + 1);
    expect(laneFindings(trace)).toEqual([]);
    const marks = trace.events.flatMap((e) =>
      e.kind === 'mark' && e.actor === 'worker' ? [e.name] : [],
    );
    expect(marks).toEqual(['actor.respawned', 'actor.restored']);
  });

  it('continues its lane on a host without a snapshot store', async () => {
    const trace = createMemoryTrace();
    const host = await t.host({ node: 'n1', trace });
    await host.spawn('boss', idle(), { durable: false });
    const worker = await host.spawn('worker', idle(), { durable: false });
    const before = notes(host, 'worker', 'boss', 3);
    await worker.stop();
    await host.spawn('worker', idle(), { durable: false });
    const [after] = notes(host, 'worker', 'boss', 1);
    expect(after!.lamport).toBeGreaterThan(before[2]!.lamport);
    expect(after!.seq).toBe(4);
    expect(laneFindings(trace)).toEqual([]);
  });

  it('restored on another host, continues the channel sequence its checkpoint saved', async () => {
    const first = await t.host({ node: 'n1', snapshots });
    await first.spawn('boss', idle(), { durable: false });
    const worker = await first.spawn('worker', idle(), { durable: false });
    const before = notes(first, 'worker', 'boss', 2);
    await worker.checkpoint();
    await first.close();
    const second = await t.host({ node: 'n2', snapshots });
    await second.spawn('worker', idle(), { durable: false });
    const [after] = notes(second, 'worker', 'boss', 1);
    expect(after!.seq).toBe(3);
    expect(after!.lamport).toBeGreaterThan(before[1]!.lamport);
  });
});
