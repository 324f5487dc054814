import { createFailureDetector } from '@llm-teams/runtime';
import type { TeamContext } from './team-context.js';

/**
 * The failure detector that tells coordinator (or lead) `id` when a worker falls silent
 * (`worker.suspected`) and when it is heard again (`worker.recovered`); closed with the team.
 */
export function watchWorkers(ctx: TeamContext, id: string): void {
  const { config, host } = ctx;
  const fd = config.failureDetection;
  ctx.detectors.push(
    createFailureDetector({
      // The host's one heartbeat subscription: a bad beat is dead-lettered once, not per detector.
      heartbeats: host,
      // Arrival gaps are measured on the host's clock (a monotonic one), not the member's
      // wall clock: a wall-clock jump is not a silence.
      clock: ctx.clock,
      kind: fd.kind,
      timeoutMs: fd.timeoutMs,
      phiThreshold: fd.phiThreshold,
      expectedIntervalMs: fd.heartbeatMs,
      watch: (a) => config.workers.includes(a),
      expect: config.workers,
      onSuspect: (worker) => host.actor(id)?.send({ type: 'worker.suspected', worker }),
      onRecover: (worker) => host.actor(id)?.send({ type: 'worker.recovered', worker }),
    }),
  );
}
