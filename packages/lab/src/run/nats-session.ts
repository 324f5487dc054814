/**
 * System time: closing a real connection is bounded in real time (a drain that hangs is cut
 * short).
 */
import {
  connectNats,
  natsAuthFromEnv,
  natsConnectOptions,
  jetstreamManager,
  splitServerCredentials,
  startNatsCluster,
  startNatsServer,
  teamResourceNames,
  TEAM_BUCKETS,
  type NatsAuthFlags,
  type NatsCluster,
  type NatsConnection,
  type NatsServer,
  type TeamBucket,
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
  /** Without a URL: start an embedded cluster of this many servers (`n1`...) instead of one
   *  server. Default 1. */
  cluster?: number;
  /** Names of the servers given in `url`, in order. Default `s1`, `s2`, ... */
  serverNames?: readonly string[];
}

/** A NATS connection and, without a URL, the embedded server behind it. */
export interface NatsSession {
  readonly nc: NatsConnection;
  readonly url: string;
  /** Whether the server was started here. */
  readonly embedded: boolean;
  /** The embedded cluster, when one was started (`cluster` > 1). */
  readonly cluster: NatsCluster | undefined;
  /** The servers behind `url`, named: embedded servers by their names, given URLs as
   *  `serverNames` says (default `s1`, `s2`, ...), in order. */
  readonly servers: readonly { name: string; url: string }[];
  /** Opens another connection with the same credentials, to `servers` (a host behind the
   *  wire proxy); it ignores the cluster's gossip of other addresses, so it stays behind the
   *  proxy. `close()` closes it too. */
  connect(servers: readonly string[], name: string): Promise<NatsConnection>;
  close(): Promise<void>;
}

/** Connects to `url`, or starts an embedded nats-server (JetStream on, temporary store). */
export async function openNatsSession(options: NatsSessionOptions = {}): Promise<NatsSession> {
  let server: { close(): Promise<void> } | undefined;
  let embedded: { name: string; url: string }[] | undefined;
  let cluster: NatsCluster | undefined;
  if (options.url === undefined && (options.cluster ?? 1) > 1) {
    cluster = await startNatsCluster({ nodes: options.cluster });
    server = cluster;
    embedded = cluster.nodes.map((n) => ({ name: n.name, url: n.url }));
  } else if (options.url === undefined) {
    const one: NatsServer = await startNatsServer();
    server = one;
    embedded = [{ name: one.name, url: one.url }];
  }
  const url = options.url ?? embedded!.map((s) => s.url).join(',');
  let nc: NatsConnection;
  let auth: ReturnType<typeof natsAuthFromEnv>;
  try {
    // Every command connects here: credentials come from the environment (NATS_USER /
    // NATS_PASSWORD, NATS_TOKEN, NATS_NKEY_FILE, NATS_CREDS, NATS_TLS_*; docs/security.md) or
    // the URL, and every secret read is registered so no trace, log or report shows it.
    auth = natsAuthFromEnv(options.env ?? process.env, options.authFlags ?? {});
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
  const others: NatsConnection[] = [];
  return {
    nc,
    url,
    embedded: server !== undefined,
    cluster,
    servers:
      embedded ??
      splitServerCredentials(url).servers.map((u, i) => ({
        name: options.serverNames?.[i] ?? `s${i + 1}`,
        url: u.includes('://') ? u : `nats://${u}`,
      })),
    async connect(servers, name) {
      // Credentials given in the URL go with the other connection too.
      const userinfo = /^[a-z][a-z0-9+.-]*:\/\/([^@/]*)@/i.exec(url)?.[1];
      const urls = userinfo ? servers.map((s) => s.replace('://', `://${userinfo}@`)) : servers;
      const other = await connectNats(
        natsConnectOptions(urls, auth, { name, extra: { ignoreClusterUpdates: true } }),
      );
      others.push(other);
      return other;
    },
    async close() {
      if (closed) return;
      closed = true;
      await Promise.all(others.map((o) => closeQuickly(o)));
      try {
        await closeQuickly(nc);
      } finally {
        await server?.close();
      }
    },
  };
}

/** Drains a connection, or closes it when a drain does not finish within 2 s: a server that
 *  is already gone (killed by a signal) would keep a drain waiting for a reconnect that never
 *  comes. */
async function closeQuickly(nc: NatsConnection): Promise<void> {
  if (nc.isClosed()) return;
  const drained = nc.drain().then(
    () => true,
    () => false,
  );
  const timeout = new Promise<boolean>((resolve) => setTimeout(resolve, 2000, false).unref());
  if (!(await Promise.race([drained, timeout]))) await nc.close().catch(() => undefined);
}

/**
 * Deletes a finished team's streams and KV buckets. A sweep runs hundreds of teams on one
 * server; left behind, their streams would pile up in the server's memory and store.
 */
export async function deleteTeamResources(
  nc: NatsConnection,
  team: string,
  prefix?: string,
  options: {
    keepTraceStream?: boolean;
    /** The team was provisioned without its message streams (`messageStreams: false`: a
     *  controlled run): delete only its buckets. Default true. */
    messageStreams?: boolean;
    /** Only these buckets (a fresh team's: those it created, `FreshTeam.onCreated`).
     *  Default: all of them. */
    buckets?: readonly TeamBucket[];
  } = {},
): Promise<void> {
  const names = teamResourceNames({ team, ...(prefix !== undefined ? { prefix } : {}) });
  // Each delete answers for itself (a server without JetStream: they fail, and are ignored).
  const jsm = await jetstreamManager(nc, { checkAPI: false });
  const messages = options.messageStreams ?? true;
  const streams = [
    ...(messages ? [names.inboxStream, names.dlqStream] : []),
    ...(messages && !options.keepTraceStream ? [names.traceStream] : []),
    ...(options.buckets ?? TEAM_BUCKETS).map((b) => `KV_${names.buckets[b]}`),
  ];
  await Promise.all(streams.map((s) => jsm.streams.delete(s).catch(() => false)));
}
