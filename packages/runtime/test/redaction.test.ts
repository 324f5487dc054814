import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import {
  createActorSigningKeys,
  createRedactor,
  createTraceRecorder,
  formatError,
  parseTrace,
  redact,
  registerSecret,
  REDACTED,
  secretsFromEnv,
} from '@llm-teams/runtime';
import { tempDir } from '@llm-teams/testkit';

const seed = createActorSigningKeys(['a']).keys['a']!;

describe('redaction', () => {
  it('finds secrets in the environment by variable name', () => {
    const env = {
      ANTHROPIC_API_KEY: 'sk-ant-test-0123456789',
      NATS_PASSWORD: 'pa55word!',
      NATS_TOKEN: 'tok-123456',
      NATS_NKEY_SEED: seed,
      AWS_SECRET_ACCESS_KEY: 'aws-secret-xyz',
      OPENAI_COMPATIBLE_API_KEY: 'none',
      NATS_NKEY_FILE: '/etc/llmt/agent.nk',
      HOME: '/home/someone',
      PATH: '/usr/bin',
    };
    expect(secretsFromEnv(env).sort()).toEqual(
      ['sk-ant-test-0123456789', 'pa55word!', 'tok-123456', seed, 'aws-secret-xyz'].sort(),
    );
  });

  it('replaces known values, their JSON-escaped forms and well-known formats', () => {
    const tricky = 'pw"with\\quote';
    const r = createRedactor(['hunter2-long', tricky]);
    expect(r.redact('login hunter2-long ok')).toBe(`login ${REDACTED} ok`);
    const json = JSON.stringify({ reason: `bad ${tricky}` });
    const out = r.redact(json);
    expect(out).not.toContain('with');
    expect(JSON.parse(out)).toEqual({ reason: `bad ${REDACTED}` });
    // Formats, with no registration at all.
    const none = createRedactor();
    expect(none.redact(`seed ${seed}.`)).toBe(`seed ${REDACTED}.`);
    expect(none.redact('key sk-ant-api03-abcdefghijklmnop')).toBe(`key ${REDACTED}`);
    expect(none.redact('connect nats://agent:s3cr3t-pw@nats1:4222 failed')).toBe(
      `connect nats://agent:${REDACTED}@nats1:4222 failed`,
    );
    // Ordinary text, public nkeys and short values are left alone.
    const pub = createActorSigningKeys(['b']).trusted['b']!;
    expect(createRedactor(['none', 'abc']).redact(`task-7 none abc ${pub}`)).toBe(
      `task-7 none abc ${pub}`,
    );
  });

  it('uses registered secrets and the environment by default', () => {
    registerSecret('registered-secret-42', undefined, 'x');
    expect(redact('a registered-secret-42 b')).toBe(`a ${REDACTED} b`);
    expect(redact('value env-secret-99', { env: { MY_TOKEN: 'env-secret-99' } })).toBe(
      `value ${REDACTED}`,
    );
    expect(redact('given given-secret-1', { secrets: ['given-secret-1'], env: {} })).toBe(
      `given ${REDACTED}`,
    );
  });

  it('formats an error chain without its secrets', () => {
    const err = new Error('connect failed', {
      cause: new Error('auth rejected for password hunter22-long'),
    });
    const text = formatError(err, { secrets: ['hunter22-long'], env: {} });
    expect(text).toBe(
      `Error: connect failed <- caused by: Error: auth rejected for password ${REDACTED}`,
    );
    expect(formatError('plain sk-ant-abcdefghijk', { env: {} })).toBe(`plain ${REDACTED}`);
  });

  it('keeps secrets out of trace files', async () => {
    const { dir, cleanup } = tempDir();
    const file = join(dir, 'trace.jsonl');
    const rec = createTraceRecorder({
      file,
      redact: (t) => redact(t, { secrets: ['tr-secret-1'] }),
    });
    rec.write({
      kind: 'mark',
      name: 'oops',
      error: `token tr-secret-1 and seed ${seed}`,
      actor: 'a',
      node: 'n',
      seq: 0,
      lamport: 1,
      wall: 0,
    });
    await rec.close();
    const text = readFileSync(file, 'utf8');
    expect(text).not.toContain('tr-secret-1');
    expect(text).not.toContain(seed);
    expect(parseTrace(text)[0]).toMatchObject({ error: `token ${REDACTED} and seed ${REDACTED}` });
    cleanup();
  });
});
