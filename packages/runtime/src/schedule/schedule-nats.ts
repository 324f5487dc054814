import type { NatsConnection, TeamSubjects } from '@llm-teams/broker';
import { decodeValue, encodeValue } from '../codec.js';
import { RuntimeError } from '../errors.js';
import type { ScheduleController } from './schedule-controller.js';
import type { ScheduleChoice, ScheduleStep } from './schedule-types.js';

/** `<prefix>.<team>.control.sched.decide`: hosts ask, the controller answers. */
export function scheduleSubject(subjects: TeamSubjects): string {
  return subjects.control('sched', 'decide');
}

type Reply = { ok: ScheduleChoice } | { error: string; code: string };
type WireStep = [id: string, kind: ScheduleStep['kind'], actor: string | null, channel: string];

/**
 * Serves a controller on the team's control subject: each request carries a host's enabled
 * steps (oldest first), each reply the step to release. Returns the subscription's close.
 */
export function serveScheduleController(
  nc: NatsConnection,
  subjects: TeamSubjects,
  controller: ScheduleController,
): { close(): void } {
  const sub = nc.subscribe(scheduleSubject(subjects), {
    callback: (err, msg) => {
      if (err) return;
      let reply: Reply;
      try {
        const wire = decodeValue(msg.data) as WireStep[];
        const enabled = wire.map(([id, kind, actor, channel], seq): ScheduleStep => ({
          id,
          kind,
          actor: actor ?? undefined,
          channel,
          seq: kind === 'time' ? -1 : seq,
        }));
        reply = { ok: controller.decide(enabled) };
      } catch (e) {
        reply = {
          error: e instanceof Error ? e.message : String(e),
          code: e instanceof RuntimeError ? e.code : 'INVALID_ARGUMENT',
        };
      }
      msg.respond(encodeValue(reply));
    },
  });
  return { close: () => sub.unsubscribe() };
}

export interface NatsScheduleDeciderOptions {
  /** Longest wait for the controller's answer. Default 10000 (real ms). */
  timeoutMs?: number;
}

/** A `ScheduleDriverOptions.decide` that asks a controller served on NATS. */
export function natsScheduleDecider(
  nc: NatsConnection,
  subjects: TeamSubjects,
  options: NatsScheduleDeciderOptions = {},
): (enabled: readonly ScheduleStep[]) => Promise<ScheduleChoice> {
  const subject = scheduleSubject(subjects);
  const timeout = options.timeoutMs ?? 10_000;
  return async (enabled) => {
    const wire: WireStep[] = enabled.map((s) => [s.id, s.kind, s.actor ?? null, s.channel]);
    const msg = await nc.request(subject, encodeValue(wire), { timeout });
    const reply = decodeValue(msg.data) as Reply;
    if ('error' in reply) {
      throw new RuntimeError(
        reply.code === 'SCHEDULE_DIVERGED' ? 'SCHEDULE_DIVERGED' : 'INVALID_ARGUMENT',
        `schedule controller: ${reply.error}`,
      );
    }
    return reply.ok;
  };
}
