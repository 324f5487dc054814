import {
  connectNats,
  natsAuthFromEnv,
  natsConnectOptions,
  jetstreamManager,
  startNatsServer,
  teamResourceNames,
  TEAM_BUCKETS,
  type NatsAuthFlags,
  type NatsConnection,
  type NatsServer,
} from '@llm-teams/broker';
import { registerSecret } from '@llm-teams/runtime';

export interface NatsSessionOptions {
  /** Connect here; default: start an embedded nats-server and stop it on `close()`. */
  url?: string;
  /** Connection name shown by the server. Default `llm-teams-lab`. */
  name?: string;
  /** Where credentials are read from. Default `process.env`. */
  env?: NodeJS.ProcessEnv;
  /** Credential flags given on the command line; each overrides its variable. Default none. */
  authFlags?: NatsAuthFlags;
  /** Keep trying when the first connect fails (a node starting before its network or server
   *  is up). Default false: a wrong URL fails at once. */
  waitOnFirstConnect?: boolean;
}

/** A NATS connection and, without a URL, the embedded server behind it. */
export interface NatsSession {
  readonly nc: NatsConnection;
  readonly url: string;
  /** Whether the server was started here. */
  readonly embedded: boolean;
  close(): Promise<void>;
}

/** Connects to `url`, or starts an embedded nats-server (JetStream on, temporary store). */
export async function openNatsSession(options: NatsSessionOptions = {}): Promise<NatsSession> {
  let server: NatsServer | undefined;
  if (options.url === undefined) server = await startNatsServer();
  const url = options.url ?? server!.url;
  let nc: NatsConnection;
  try {
    // Every command connects here: credentials come from the environment (NATS_USER /
    // NATS_PASSWORD, NATS_TOKEN, NATS_NKEY_FILE, NATS_CREDS, NATS_TLS_*; docs/security.md) or
    // the URL, and every secret read is registered so no trace, log or report shows it.
    const auth = natsAuthFromEnv(options.env ?? process.env, options.authFlags ?? {});
    registerSecret(...auth.secrets);
    nc = await connectNats(
      natsConnectOptions(url, auth, {
        name: options.name ?? 'llm-teams-lab',
        ...(options.waitOnFirstConnect ? { extra: { waitOnFirstConnect: true } } : {}),
      }),
    );
  } catch (err) {
    await server?.close();
    throw err;
  }
  let closed = false;
  return {
    nc,
    url,
    embedded: server !== undefined,
    async close() {
      if (closed) return;
      closed = true;
      try {
        // A server that is already gone (killed by a signal) would keep a drain waiting for
        // a reconnect that never comes.
        const drained = nc.drain().then(
          () => true,
          () => false,
        );
        const timeout = new Promise<boolean>((resolve) => setTimeout(resolve, 2000, false).unref());
        if (!(await Promise.race([drained, timeout]))) await nc.close().catch(() => undefined);
      } finally {
        await server?.close();
      }
    },
  };
}

/**
 * Deletes a finished team's streams and KV buckets. A sweep runs hundreds of teams on one
 * server; left behind, their streams would pile up in the server's memory and store.
 */
export async function deleteTeamResources(
  nc: NatsConnection,
  team: string,
  prefix?: string,
): Promise<void> {
  const names = teamResourceNames({ team, ...(prefix !== undefined ? { prefix } : {}) });
  const jsm = await jetstreamManager(nc);
  const streams = [
    names.inboxStream,
    names.dlqStream,
    ...TEAM_BUCKETS.map((b) => `KV_${names.buckets[b]}`),
  ];
  await Promise.all(streams.map((s) => jsm.streams.delete(s).catch(() => false)));
}
