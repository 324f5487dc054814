import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import { createUser } from '@nats-io/nkeys';
import {
  BrokerError,
  NATS_AUTH_FLAGS,
  natsAuthFromEnv,
  natsConnectOptions,
  resolveNatsAuth,
  splitServerCredentials,
} from '@llm-teams/broker';
import { tempDir } from '@llm-teams/testkit';

const seed = new TextDecoder().decode(createUser().getSeed());
const here = fileURLToPath(import.meta.url);
const { dir, cleanup } = tempDir('llmt-auth-');
afterAll(cleanup);

function thrown(fn: () => unknown): Error {
  try {
    fn();
  } catch (err) {
    return err as Error;
  }
  throw new Error('expected a throw');
}

describe('NATS credentials from flags and the environment', () => {
  it('reads a user and password from the environment', () => {
    const auth = natsAuthFromEnv({ NATS_USER: 'agent-a1', NATS_PASSWORD: 'pw-123456' });
    expect(auth.options).toEqual({ user: 'agent-a1', pass: 'pw-123456' });
    expect(auth.secrets).toEqual(['pw-123456']);
    expect(auth.summary).toBe('password (user agent-a1)');
    expect(auth.summary).not.toContain('pw-123456');
  });

  it('reads secrets from files, and an nkey seed from a file or the environment', () => {
    const passFile = join(dir, 'pass');
    const nkeyFile = join(dir, 'agent.nk');
    writeFileSync(passFile, 'file-pw-99\n');
    writeFileSync(nkeyFile, `${seed}\n`);
    expect(natsAuthFromEnv({ NATS_USER: 'u', NATS_PASSWORD_FILE: passFile }).options.pass).toBe(
      'file-pw-99',
    );
    const fromFile = natsAuthFromEnv({ NATS_NKEY_FILE: nkeyFile });
    expect(fromFile.options).toEqual({ nkeySeed: seed });
    expect(fromFile.secrets).toEqual([seed]);
    expect(natsAuthFromEnv({ NATS_NKEY_SEED: seed }).options.nkeySeed).toBe(seed);
    const tokenFile = join(dir, 'token');
    writeFileSync(tokenFile, 'tok-abcdef');
    expect(natsAuthFromEnv({}, { natsTokenFile: tokenFile }).options).toEqual({
      token: 'tok-abcdef',
    });
  });

  it('lets a flag override the environment, even with another kind of credential', () => {
    const env = { NATS_USER: 'env-user', NATS_PASSWORD: 'env-pw-123', NATS_TLS_CA: here };
    expect(natsAuthFromEnv(env, { natsPass: 'flag-pw-456' }).options).toMatchObject({
      user: 'env-user',
      pass: 'flag-pw-456',
    });
    const token = natsAuthFromEnv(env, { natsToken: 'flag-token' });
    expect(token.options).toEqual({ token: 'flag-token', tls: { caFile: here } });
  });

  it('takes TLS files and an inbox prefix', () => {
    const auth = natsAuthFromEnv(
      { NATS_TLS_CA: here, NATS_INBOX_PREFIX: '_INBOX.llmt.demo.a1' },
      { tlsCert: here, tlsKey: here },
    );
    expect(auth.options.tls).toEqual({ caFile: here, certFile: here, keyFile: here });
    expect(auth.extra).toEqual({ inboxPrefix: '_INBOX.llmt.demo.a1' });
    expect(auth.summary).toBe('TLS with a client certificate');
  });

  it('refuses contradictory or broken settings without echoing any secret', () => {
    const cases: [string, () => unknown, RegExp][] = [
      [
        'two ways',
        () => resolveNatsAuth({ user: 'u', pass: 'secret-pw-1', token: 'secret-tok-1' }),
        /one way to authenticate, not user \+ token/,
      ],
      ['password alone', () => resolveNatsAuth({ pass: 'secret-pw-1' }), /needs a user name/],
      ['cert alone', () => resolveNatsAuth({ tlsCert: here }), /needs its key/],
      [
        'bad seed',
        () => natsAuthFromEnv({ NATS_NKEY_SEED: 'SUsecret-not-a-seed' }),
        /NATS_NKEY_SEED does not hold a valid nkey seed/,
      ],
      [
        'missing file',
        () => natsAuthFromEnv({ NATS_USER: 'u', NATS_PASSWORD_FILE: join(dir, 'nope') }),
        /cannot read the password file .*nope: ENOENT/,
      ],
      ['missing CA', () => natsAuthFromEnv({ NATS_TLS_CA: join(dir, 'ca.pem') }), /does not exist/],
      [
        'bad prefix',
        () => resolveNatsAuth({ inboxPrefix: '_INBOX.>' }),
        /inboxPrefix: a subject prefix/,
      ],
    ];
    for (const [what, fn, pattern] of cases) {
      const err = thrown(fn);
      expect(err, what).toBeInstanceOf(BrokerError);
      expect(err.message, what).toMatch(pattern);
      expect(err.message, what).not.toMatch(/secret-/);
    }
  });

  it('lists every flag with its variable, for the command line', () => {
    expect(NATS_AUTH_FLAGS.map((f) => f.flag.split(' ')[0])).toEqual([
      '--nats-user',
      '--nats-pass',
      '--nats-pass-file',
      '--nats-token',
      '--nats-token-file',
      '--nats-nkey-file',
      '--nats-creds',
      '--tls-ca',
      '--tls-cert',
      '--tls-key',
      '--nats-inbox-prefix',
    ]);
    expect(new Set(NATS_AUTH_FLAGS.map((f) => f.env)).size).toBe(NATS_AUTH_FLAGS.length);
  });
});

describe('credentials in server URLs', () => {
  it('moves them out of the URLs into the options', () => {
    expect(splitServerCredentials('nats://u:p%40ss@n1:4222, nats://n2:4222')).toEqual({
      servers: ['nats://n1:4222', 'nats://n2:4222'],
      user: 'u',
      pass: 'p@ss',
    });
    const opts = natsConnectOptions('nats://tok123@n1:4222', natsAuthFromEnv({}), { name: 'x' });
    expect(opts).toMatchObject({ servers: ['nats://n1:4222'], token: 'tok123', name: 'x' });
    // Explicit credentials win over the URL's.
    const explicit = natsConnectOptions(
      ['nats://u:url-pw@n1:4222'],
      natsAuthFromEnv({ NATS_USER: 'v', NATS_PASSWORD: 'env-pw-1' }),
    );
    expect(explicit).toMatchObject({ servers: ['nats://n1:4222'], user: 'v', pass: 'env-pw-1' });
  });
});
