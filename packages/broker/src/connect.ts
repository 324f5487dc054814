import { connect, type NatsConnection, type NodeConnectionOptions } from '@nats-io/transport-node';
import { BrokerError } from './errors.js';

export interface NatsAuthOptions {
  user?: string;
  pass?: string;
  token?: string;
  /** An nkey seed (`SU...`); the server authenticates the public key by signature. */
  nkeySeed?: string;
  /** TLS: CA, cert and key file paths. */
  tls?: { caFile?: string; certFile?: string; keyFile?: string };
}

export interface ConnectOptions extends NatsAuthOptions {
  /** One URL, a comma-separated list, or an array of URLs. */
  servers: string | string[];
  /** Connection name shown in server monitoring. Default `llm-teams`. */
  name?: string;
  /** Delay between reconnect attempts. Default 250. */
  reconnectTimeWaitMs?: number;
  /** Random extra delay so clients of a failed server do not reconnect in lockstep. Default 100. */
  reconnectJitterMs?: number;
  /** Reconnect attempts before giving up; -1 means forever. Default -1: a team outlives
   *  broker restarts and failovers; `close()` is how a connection ends. */
  maxReconnectAttempts?: number;
  /** Interval between client pings, which detect a dead server. Default 5000. */
  pingIntervalMs?: number;
  /** Pings without reply before the connection counts as stale. Default 3. */
  maxPingOut?: number;
  /** How long the first connect may take. Default 10000. */
  timeoutMs?: number;
  /** Extra nats.js options, for what is not covered above. */
  extra?: Partial<NodeConnectionOptions>;
}

/** Connects to NATS with settings meant for long-running teams. */
export async function connectNats(options: ConnectOptions): Promise<NatsConnection> {
  const servers = Array.isArray(options.servers)
    ? options.servers
    : options.servers
        .split(',')
        .map((s) => s.trim())
        .filter(Boolean);
  if (servers.length === 0) {
    throw new BrokerError('INVALID_OPTIONS', 'connectNats needs at least one server URL');
  }
  const opts: NodeConnectionOptions = {
    servers,
    name: options.name ?? 'llm-teams',
    reconnect: true,
    reconnectTimeWait: options.reconnectTimeWaitMs ?? 250,
    reconnectJitter: options.reconnectJitterMs ?? 100,
    maxReconnectAttempts: options.maxReconnectAttempts ?? -1,
    pingInterval: options.pingIntervalMs ?? 5000,
    maxPingOut: options.maxPingOut ?? 3,
    timeout: options.timeoutMs ?? 10_000,
    ...(options.user !== undefined ? { user: options.user, pass: options.pass ?? '' } : {}),
    ...(options.token !== undefined ? { token: options.token } : {}),
    ...options.extra,
  };
  if (options.nkeySeed) {
    const { nkeyAuthenticator } = await import('@nats-io/transport-node');
    opts.authenticator = nkeyAuthenticator(new TextEncoder().encode(options.nkeySeed));
  }
  if (options.tls) {
    opts.tls = {
      ...(options.tls.caFile ? { caFile: options.tls.caFile } : {}),
      ...(options.tls.certFile ? { certFile: options.tls.certFile } : {}),
      ...(options.tls.keyFile ? { keyFile: options.tls.keyFile } : {}),
    };
  }
  try {
    return await connect(opts);
  } catch (err) {
    // Never echo credentials: name only the servers.
    throw new BrokerError(
      'CONNECT_FAILED',
      `could not connect to NATS at ${servers.map((s) => s.replace(/\/\/[^@/]*@/, '//')).join(', ')}: ${(err as Error).message}`,
      { cause: err },
    );
  }
}
