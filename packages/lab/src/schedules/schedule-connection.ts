import {
  connectNats,
  natsAuthFromEnv,
  natsConnectOptions,
  type NatsAuthFlags,
  type NatsConnection,
} from '@llm-teams/broker';
import { registerSecret } from '@llm-teams/runtime';

/**
 * A connection for controlled runs, with the same credentials as every command's
 * (`openNatsSession`: from the environment or the URL). nats.js captures a stack trace for
 * every request so a timeout can say where it was made; a schedule makes one request per
 * shared-state step, and the captures were about a tenth of explore's CPU. Errors keep their
 * messages.
 */
export function connectForSchedules(
  url: string,
  credentials: { env?: NodeJS.ProcessEnv; authFlags?: NatsAuthFlags } = {},
): Promise<NatsConnection> {
  const auth = natsAuthFromEnv(credentials.env ?? process.env, credentials.authFlags ?? {});
  registerSecret(...auth.secrets);
  return connectNats(
    natsConnectOptions(url, auth, {
      name: 'llm-teams-schedules',
      extra: { noAsyncTraces: true },
    }),
  );
}
