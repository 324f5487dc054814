import type { ActorRefFrom, AnyActorLogic, EventFromLogic, SnapshotFrom } from 'xstate';
import type { ActorCell } from './actor-cell.js';
import { runtimeOf, type ActorRuntime } from './actor-runtime.js';

/** A hosted actor, from outside. */
export interface ActorHandle<TLogic extends AnyActorLogic = AnyActorLogic> {
  readonly id: string;
  /** The live xstate actor (replaced on restart). */
  readonly ref: ActorRefFrom<TLogic>;
  readonly status: 'running' | 'restarting' | 'stopped' | 'failed' | 'done';
  readonly lamport: number;
  /** Asks still waiting for a reply (each ends by a reply or its deadline). */
  readonly pendingAsks: number;
  /** Send and record on the actor's behalf (drivers, tests, benchmarks). */
  readonly runtime: ActorRuntime;
  /** Delivers a local event (not a message: nothing crosses NATS). */
  send(event: EventFromLogic<TLogic>): void;
  getSnapshot(): SnapshotFrom<TLogic>;
  /** Saves a checkpoint to the host's snapshot store now. */
  checkpoint(): Promise<void>;
  /** Silences (true) or resumes the actor's heartbeats: a paused process, as a detector sees it. */
  pauseHeartbeat(paused: boolean): void;
  /** Crashes the actor as if its machine threw: in-memory state is lost; supervision
   *  decides whether it restarts (from its checkpoint when the host has a store). */
  crash(reason?: string): void;
  stop(): Promise<void>;
}

/** The handle of a hosted actor; `stop` is the host's (it forgets the actor too). */
export function createActorHandle<TLogic extends AnyActorLogic>(
  cell: ActorCell,
  stop: () => Promise<void>,
): ActorHandle<TLogic> {
  return {
    id: cell.id,
    get ref() {
      return cell.ref as ActorRefFrom<TLogic>;
    },
    get status() {
      return cell.status;
    },
    get lamport() {
      return cell.lamport;
    },
    get pendingAsks() {
      return cell.pendingAsks;
    },
    runtime: runtimeOf(cell.ref.system),
    send: (event) => cell.deliverLocal(event),
    getSnapshot: () => cell.ref.getSnapshot() as SnapshotFrom<TLogic>,
    checkpoint: () => cell.checkpoint(),
    pauseHeartbeat: (paused) => cell.heartbeat?.pause(paused),
    crash: (reason) => cell.crash(new Error(reason ?? 'crash injected')),
    stop,
  };
}
