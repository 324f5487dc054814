import type { SupervisionPolicy } from './supervisor.js';

export interface SpawnOptions {
  /** xstate input for the actor's logic. */
  input?: unknown;
  /** Give the actor a durable (JetStream) inbox for at-least-once messages. Default: true
   *  when the host's delivery policy names any at-least-once type. */
  durable?: boolean;
  /** Topics the actor receives broadcasts from. */
  topics?: string[];
  /** Start from the checkpoint in the host's snapshot store, when there is one. Default true
   *  when the host has a snapshot store. */
  restore?: boolean;
  /** Publish heartbeats on `hb.<id>` for failure detectors. Default false. */
  heartbeat?: boolean | { intervalMs?: number };
  /** Overrides the host's supervision policy; `false` never restarts. */
  supervision?: SupervisionPolicy | false;
}
