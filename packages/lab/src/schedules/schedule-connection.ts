import { connectNats, type NatsConnection } from '@llm-teams/broker';

/**
 * A connection for controlled runs. nats.js captures a stack trace for every request so a
 * timeout can say where it was made (`RequestError`, `TimeoutError`); a schedule makes one
 * request per shared-state step, and the captures were about a tenth of explore's CPU. Errors
 * keep their messages.
 */
export function connectForSchedules(url: string): Promise<NatsConnection> {
  return connectNats({
    servers: url,
    name: 'llm-teams-schedules',
    extra: { noAsyncTraces: true },
  });
}
