import { execFileSync } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  BrokerError,
  connectNats,
  natsAuthFromEnv,
  natsConnectOptions,
  startNatsServer,
  type NatsServer,
} from '@llm-teams/broker';
import { tempDir } from '@llm-teams/testkit';

/** A throwaway CA, and a server and a client certificate it signed (openssl, P-256 keys). */
function makeCertificates(dir: string) {
  const file = (name: string) => join(dir, name);
  const openssl = (...args: string[]) =>
    execFileSync('openssl', args, { cwd: dir, stdio: ['ignore', 'ignore', 'pipe'] });
  const ecKey = (name: string) =>
    openssl(
      'genpkey',
      '-algorithm',
      'EC',
      '-pkeyopt',
      'ec_paramgen_curve:P-256',
      '-out',
      file(name),
    );
  ecKey('ca-key.pem');
  openssl(
    'req',
    '-x509',
    '-new',
    '-key',
    file('ca-key.pem'),
    '-out',
    file('ca.pem'),
    '-days',
    '2',
    '-subj',
    '/CN=llm-teams test CA',
  );
  const issue = (name: string, ext: string) => {
    ecKey(`${name}-key.pem`);
    openssl(
      'req',
      '-new',
      '-key',
      file(`${name}-key.pem`),
      '-out',
      file(`${name}.csr`),
      '-subj',
      `/CN=${name}`,
    );
    writeFileSync(file(`${name}.ext`), ext);
    openssl(
      'x509',
      '-req',
      '-in',
      file(`${name}.csr`),
      '-CA',
      file('ca.pem'),
      '-CAkey',
      file('ca-key.pem'),
      '-CAcreateserial',
      '-out',
      file(`${name}.pem`),
      '-days',
      '2',
      '-extfile',
      file(`${name}.ext`),
    );
  };
  issue('server', 'subjectAltName=IP:127.0.0.1,DNS:localhost\nextendedKeyUsage=serverAuth\n');
  issue('client', 'extendedKeyUsage=clientAuth\n');
  return {
    ca: file('ca.pem'),
    serverCert: file('server.pem'),
    serverKey: file('server-key.pem'),
    clientCert: file('client.pem'),
    clientKey: file('client-key.pem'),
  };
}

describe('TLS to nats-server', () => {
  let server: NatsServer;
  let certs: ReturnType<typeof makeCertificates>;
  const tmp = tempDir('llmt-tls-');

  beforeAll(async () => {
    certs = makeCertificates(tmp.dir);
    server = await startNatsServer({
      extraConfig: [
        'tls {',
        `  cert_file: ${JSON.stringify(certs.serverCert)}`,
        `  key_file: ${JSON.stringify(certs.serverKey)}`,
        `  ca_file: ${JSON.stringify(certs.ca)}`,
        '  verify: true',
        '  timeout: 2',
        '}',
      ].join('\n'),
    });
  });
  afterAll(async () => {
    await server?.close();
    tmp.cleanup();
  });

  it('connects with the CA and a client certificate from the environment', async () => {
    const auth = natsAuthFromEnv({
      NATS_TLS_CA: certs.ca,
      NATS_TLS_CERT: certs.clientCert,
      NATS_TLS_KEY: certs.clientKey,
    });
    const nc = await connectNats(natsConnectOptions(server.url, auth, { name: 'tls-test' }));
    try {
      const sub = nc.subscribe('tls.echo', { max: 1 });
      nc.publish('tls.echo', new TextEncoder().encode('over tls'));
      for await (const m of sub) expect(m.string()).toBe('over tls');
      expect(nc.info?.tls_required).toBe(true);
    } finally {
      await nc.close();
    }
  });

  it('refuses a client without a certificate, and one that does not trust the server', async () => {
    const attempt = (tls: { caFile?: string; certFile?: string; keyFile?: string }) =>
      connectNats({ servers: server.url, tls, maxReconnectAttempts: 0, timeoutMs: 3000 }).then(
        async (nc) => {
          await nc.close();
          return 'connected';
        },
        (err: unknown) => err,
      );
    expect(await attempt({ caFile: certs.ca })).toBeInstanceOf(BrokerError);
    const other = tempDir('llmt-tls-other-');
    try {
      const stranger = makeCertificates(other.dir);
      expect(
        await attempt({
          caFile: stranger.ca,
          certFile: certs.clientCert,
          keyFile: certs.clientKey,
        }),
      ).toBeInstanceOf(BrokerError);
    } finally {
      other.cleanup();
    }
  });
});
