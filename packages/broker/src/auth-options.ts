import { existsSync, readFileSync } from 'node:fs';
import { fromSeed } from '@nats-io/nkeys';
import { credsAuthenticator } from '@nats-io/transport-node';
import { z } from 'zod';
import type { ConnectOptions, NatsAuthOptions } from './connect.js';
import { BrokerError } from './errors.js';

/**
 * The one place every command reads NATS credentials from: command-line flags first, then the
 * environment. Secrets are best given through the environment or files (`*_FILE`, the nkey
 * file, the creds file): flags show up in `ps`.
 */
export const NATS_AUTH_FLAGS = [
  { flag: '--nats-user <name>', key: 'natsUser', env: 'NATS_USER', what: 'NATS user name' },
  { flag: '--nats-pass <password>', key: 'natsPass', env: 'NATS_PASSWORD', what: 'NATS password' },
  {
    flag: '--nats-pass-file <file>',
    key: 'natsPassFile',
    env: 'NATS_PASSWORD_FILE',
    what: 'file holding the NATS password',
  },
  { flag: '--nats-token <token>', key: 'natsToken', env: 'NATS_TOKEN', what: 'NATS token' },
  {
    flag: '--nats-token-file <file>',
    key: 'natsTokenFile',
    env: 'NATS_TOKEN_FILE',
    what: 'file holding the NATS token',
  },
  {
    flag: '--nats-nkey-file <file>',
    key: 'natsNkeyFile',
    env: 'NATS_NKEY_FILE',
    what: 'file holding an nkey user seed (SU...)',
  },
  {
    flag: '--nats-creds <file>',
    key: 'natsCreds',
    env: 'NATS_CREDS',
    what: 'NATS credentials file (JWT and seed)',
  },
  { flag: '--tls-ca <file>', key: 'tlsCa', env: 'NATS_TLS_CA', what: 'CA certificate (PEM)' },
  {
    flag: '--tls-cert <file>',
    key: 'tlsCert',
    env: 'NATS_TLS_CERT',
    what: 'client certificate (PEM)',
  },
  { flag: '--tls-key <file>', key: 'tlsKey', env: 'NATS_TLS_KEY', what: 'client key (PEM)' },
  {
    flag: '--nats-inbox-prefix <prefix>',
    key: 'natsInboxPrefix',
    env: 'NATS_INBOX_PREFIX',
    what: 'reply-subject prefix the server permits this user (see docs/security.md)',
  },
] as const;

/** `NATS_NKEY_SEED` holds a seed itself (no file); it has no flag, seeds never go on one. */
export const NATS_NKEY_SEED_ENV = 'NATS_NKEY_SEED';

type FlagKey = (typeof NATS_AUTH_FLAGS)[number]['key'];

/** Parsed flag values, as commander gives them (camelCase keys of `NATS_AUTH_FLAGS`). */
export type NatsAuthFlags = Partial<Record<FlagKey, string>>;

const text = z.string().min(1);
const subjectPrefix = z
  .string()
  .regex(/^[A-Za-z0-9_$-]+(\.[A-Za-z0-9_$-]+)*$/, 'a subject prefix: tokens joined by dots');

/** The credential settings, before their files are read. At most one way to authenticate. */
export const natsAuthSchema = z
  .object({
    user: text.optional(),
    pass: z.string().optional(),
    passFile: text.optional(),
    token: text.optional(),
    tokenFile: text.optional(),
    nkeySeed: text.optional(),
    nkeyFile: text.optional(),
    credsFile: text.optional(),
    tlsCa: text.optional(),
    tlsCert: text.optional(),
    tlsKey: text.optional(),
    inboxPrefix: subjectPrefix.optional(),
  })
  .strict()
  .superRefine((o, ctx) => {
    const ways = [
      o.user !== undefined || o.pass !== undefined || o.passFile !== undefined ? 'user' : '',
      o.token !== undefined || o.tokenFile !== undefined ? 'token' : '',
      o.nkeySeed !== undefined || o.nkeyFile !== undefined ? 'nkey' : '',
      o.credsFile !== undefined ? 'creds' : '',
    ].filter(Boolean);
    if (ways.length > 1) {
      ctx.addIssue({
        code: 'custom',
        message: `give one way to authenticate, not ${ways.join(' + ')}`,
      });
    }
    if ((o.pass !== undefined || o.passFile !== undefined) && o.user === undefined) {
      ctx.addIssue({ code: 'custom', message: 'a password needs a user name' });
    }
    if (o.pass !== undefined && o.passFile !== undefined) {
      ctx.addIssue({ code: 'custom', message: 'give the password or a password file, not both' });
    }
    if (o.token !== undefined && o.tokenFile !== undefined) {
      ctx.addIssue({ code: 'custom', message: 'give the token or a token file, not both' });
    }
    if (o.nkeySeed !== undefined && o.nkeyFile !== undefined) {
      ctx.addIssue({ code: 'custom', message: 'give the nkey seed or an nkey file, not both' });
    }
    if ((o.tlsCert === undefined) !== (o.tlsKey === undefined)) {
      ctx.addIssue({ code: 'custom', message: 'a TLS client certificate needs its key, and back' });
    }
  });

export type NatsAuthSettings = z.input<typeof natsAuthSchema>;

/** Resolved credentials: what `connectNats` takes, and what must never be printed. */
export interface NatsAuth {
  /** For `connectNats` (spread into its options, or use `natsConnectOptions`). */
  readonly options: NatsAuthOptions;
  /** A creds file's authenticator, when one was given (`ConnectOptions.extra`). */
  readonly extra: NonNullable<ConnectOptions['extra']>;
  /** Every secret value read (passwords, tokens, seeds): register them for redaction. */
  readonly secrets: readonly string[];
  /** What kind of authentication this is, safe to log: `password (user agent-a1)`, ... */
  readonly summary: string;
}

function readSecretFile(what: string, file: string): string {
  try {
    return readFileSync(file, 'utf8').trim();
  } catch (err) {
    throw new BrokerError(
      'INVALID_OPTIONS',
      `cannot read the ${what} file ${file}: ${(err as NodeJS.ErrnoException).code ?? 'error'}`,
    );
  }
}

function checkFile(what: string, file: string): string {
  if (!existsSync(file)) throw new BrokerError('INVALID_OPTIONS', `${what} ${file} does not exist`);
  return file;
}

function validSeed(seed: string, source: string): string {
  try {
    fromSeed(new TextEncoder().encode(seed)).clear();
  } catch {
    throw new BrokerError('INVALID_OPTIONS', `${source} does not hold a valid nkey seed`);
  }
  if (!seed.startsWith('SU')) {
    throw new BrokerError(
      'INVALID_OPTIONS',
      `${source} holds an nkey seed that is not a user's (SU...)`,
    );
  }
  return seed;
}

/** Validates settings and reads the files they name. Errors name files, never values. */
export function resolveNatsAuth(settings: NatsAuthSettings): NatsAuth {
  const parsed = natsAuthSchema.safeParse(settings);
  if (!parsed.success) {
    throw new BrokerError(
      'INVALID_OPTIONS',
      `NATS credentials: ${parsed.error.issues.map((i) => (i.path.length ? `${i.path.join('.')}: ` : '') + i.message).join('; ')}`,
    );
  }
  const s = parsed.data;
  const options: NatsAuthOptions = {};
  const extra: NonNullable<ConnectOptions['extra']> = {};
  const secrets: string[] = [];
  const summary: string[] = [];
  if (s.user !== undefined) {
    options.user = s.user;
    const pass = s.passFile !== undefined ? readSecretFile('password', s.passFile) : s.pass;
    options.pass = pass ?? '';
    if (pass) secrets.push(pass);
    summary.push(`password (user ${s.user})`);
  }
  if (s.token !== undefined || s.tokenFile !== undefined) {
    const token = s.tokenFile !== undefined ? readSecretFile('token', s.tokenFile) : s.token!;
    options.token = token;
    secrets.push(token);
    summary.push('token');
  }
  if (s.nkeySeed !== undefined || s.nkeyFile !== undefined) {
    const seed =
      s.nkeyFile !== undefined
        ? validSeed(readSecretFile('nkey', s.nkeyFile), `nkey file ${s.nkeyFile}`)
        : validSeed(s.nkeySeed!, NATS_NKEY_SEED_ENV);
    options.nkeySeed = seed;
    secrets.push(seed);
    summary.push('nkey');
  }
  if (s.credsFile !== undefined) {
    const creds = readSecretFile('creds', s.credsFile);
    const seed = /\bSU[A-Z2-7]{56}\b/.exec(creds)?.[0];
    if (seed) secrets.push(seed);
    extra.authenticator = credsAuthenticator(new TextEncoder().encode(creds));
    summary.push(`creds file ${s.credsFile}`);
  }
  if (s.tlsCa !== undefined || s.tlsCert !== undefined) {
    options.tls = {
      ...(s.tlsCa !== undefined ? { caFile: checkFile('TLS CA file', s.tlsCa) } : {}),
      ...(s.tlsCert !== undefined ? { certFile: checkFile('TLS certificate', s.tlsCert) } : {}),
      ...(s.tlsKey !== undefined ? { keyFile: checkFile('TLS key', s.tlsKey) } : {}),
    };
    summary.push(s.tlsCert !== undefined ? 'TLS with a client certificate' : 'TLS');
  }
  if (s.inboxPrefix !== undefined) extra.inboxPrefix = s.inboxPrefix;
  return {
    options,
    extra,
    secrets,
    summary: summary.length > 0 ? summary.join(', ') : 'no authentication',
  };
}

/**
 * Credentials from flags (when given) and the environment: `NATS_USER`, `NATS_PASSWORD` (or
 * `NATS_PASSWORD_FILE`), `NATS_TOKEN` (or `NATS_TOKEN_FILE`), `NATS_NKEY_SEED` or
 * `NATS_NKEY_FILE`, `NATS_CREDS`, `NATS_TLS_CA`, `NATS_TLS_CERT`, `NATS_TLS_KEY`,
 * `NATS_INBOX_PREFIX`. A flag replaces the variable of the same setting; credentials of
 * another kind in the environment are then ignored, so a flag can always override.
 */
export function natsAuthFromEnv(
  env: NodeJS.ProcessEnv = process.env,
  flags: NatsAuthFlags = {},
): NatsAuth {
  const pick = (key: FlagKey): string | undefined => {
    const entry = NATS_AUTH_FLAGS.find((f) => f.key === key)!;
    const flag = flags[key];
    if (flag !== undefined && flag !== '') return flag;
    const fromEnv = env[entry.env];
    return fromEnv === undefined || fromEnv === '' ? undefined : fromEnv;
  };
  const flagged = (keys: FlagKey[]) => keys.some((k) => flags[k] !== undefined && flags[k] !== '');
  // A flag naming one way to authenticate wins over the environment's other ways.
  const ways: Record<string, FlagKey[]> = {
    user: ['natsUser', 'natsPass', 'natsPassFile'],
    token: ['natsToken', 'natsTokenFile'],
    nkey: ['natsNkeyFile'],
    creds: ['natsCreds'],
  };
  const chosen = Object.entries(ways).find(([, keys]) => flagged(keys))?.[0];
  const use = (way: string) => chosen === undefined || chosen === way;
  const pass = use('user') ? pick('natsPass') : undefined;
  return resolveNatsAuth({
    ...(use('user') && pick('natsUser') !== undefined ? { user: pick('natsUser') } : {}),
    ...(pass !== undefined ? { pass } : {}),
    ...(use('user') && pick('natsPassFile') !== undefined
      ? { passFile: pick('natsPassFile') }
      : {}),
    ...(use('token') && pick('natsToken') !== undefined ? { token: pick('natsToken') } : {}),
    ...(use('token') && pick('natsTokenFile') !== undefined
      ? { tokenFile: pick('natsTokenFile') }
      : {}),
    ...(use('nkey') && pick('natsNkeyFile') !== undefined
      ? { nkeyFile: pick('natsNkeyFile') }
      : {}),
    ...(use('nkey') && pick('natsNkeyFile') === undefined && env[NATS_NKEY_SEED_ENV]
      ? { nkeySeed: env[NATS_NKEY_SEED_ENV] }
      : {}),
    ...(use('creds') && pick('natsCreds') !== undefined ? { credsFile: pick('natsCreds') } : {}),
    ...(pick('tlsCa') !== undefined ? { tlsCa: pick('tlsCa') } : {}),
    ...(pick('tlsCert') !== undefined ? { tlsCert: pick('tlsCert') } : {}),
    ...(pick('tlsKey') !== undefined ? { tlsKey: pick('tlsKey') } : {}),
    ...(pick('natsInboxPrefix') !== undefined ? { inboxPrefix: pick('natsInboxPrefix') } : {}),
  });
}

/**
 * Splits credentials out of server URLs (`nats://user:pass@host`, `nats://token@host`), so no
 * URL that is printed carries a secret. Returns the clean URLs and what the URLs held.
 */
export function splitServerCredentials(servers: string | readonly string[]): {
  servers: string[];
  user?: string;
  pass?: string;
  token?: string;
} {
  const list = (typeof servers === 'string' ? servers.split(',') : [...servers])
    .map((s) => s.trim())
    .filter(Boolean);
  const out: { servers: string[]; user?: string; pass?: string; token?: string } = {
    servers: [],
  };
  for (const server of list) {
    const m = /^([a-z][a-z0-9+.-]*:\/\/)([^@/]*)@(.*)$/i.exec(server);
    if (!m) {
      out.servers.push(server);
      continue;
    }
    const info = m[2]!;
    const colon = info.indexOf(':');
    if (colon === -1) out.token = decodeURIComponent(info);
    else {
      out.user = decodeURIComponent(info.slice(0, colon));
      out.pass = decodeURIComponent(info.slice(colon + 1));
    }
    out.servers.push(m[1]! + m[3]!);
  }
  return out;
}

/**
 * `connectNats` options for `servers` with `auth`: credentials in the URLs are moved into the
 * options (an explicit `auth` wins), and `rest` adds anything else (name, timeouts).
 */
export function natsConnectOptions(
  servers: string | readonly string[],
  auth: NatsAuth,
  rest: Omit<Partial<ConnectOptions>, 'servers'> = {},
): ConnectOptions {
  const split = splitServerCredentials(servers);
  const fromUrl: NatsAuthOptions =
    Object.keys(auth.options).filter((k) => k !== 'tls').length > 0 || auth.extra.authenticator
      ? {}
      : {
          ...(split.user !== undefined ? { user: split.user, pass: split.pass ?? '' } : {}),
          ...(split.token !== undefined ? { token: split.token } : {}),
        };
  return {
    ...rest,
    ...fromUrl,
    ...auth.options,
    servers: split.servers,
    extra: { ...rest.extra, ...auth.extra },
  };
}
