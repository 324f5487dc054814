import type { KV } from '@llm-teams/broker';
import { decodeValue, encodeValue } from './codec.js';

/** What survives an actor's crash: its persisted xstate snapshot and the ids it finished. */
export interface ActorCheckpoint {
  snapshot: unknown;
  /** Ids of messages whose work completed; redeliveries of them are not processed again. */
  processed: string[];
  savedAt: number;
  /** The actor's Lamport time and trace sequence, so an incarnation restored elsewhere
   *  continues its lane instead of restarting it (both must keep increasing). */
  lamport?: number;
  traceSeq?: number;
  /** The last channel sequence number sent to each destination, so a restored incarnation's
   *  sends continue each channel instead of starting it again. */
  chanSeq?: Record<string, number>;
}

export interface SnapshotStore {
  load(actorId: string): Promise<ActorCheckpoint | undefined>;
  save(actorId: string, checkpoint: ActorCheckpoint): Promise<void>;
  delete(actorId: string): Promise<void>;
}

/** Checkpoints in a JetStream KV bucket (the team's `snapshots` bucket), one key per actor. */
export function createKvSnapshotStore(kv: KV): SnapshotStore {
  return {
    async load(actorId) {
      const entry = await kv.get(actorId);
      if (!entry || entry.operation !== 'PUT' || entry.value.length === 0) return undefined;
      return decodeValue(entry.value) as ActorCheckpoint;
    },
    async save(actorId, checkpoint) {
      await kv.put(actorId, encodeValue(checkpoint));
    },
    async delete(actorId) {
      await kv.delete(actorId);
    },
  };
}
