/**
 * No API key, token, password or seed appears in anything a run writes: its trace, its result,
 * its stdout and stderr, and the server's log. The run (fixtures/secret-run.ts) is a separate
 * process given fake secrets in its environment, as a command would be.
 */
import { execFile } from 'node:child_process';
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createUser } from '@nats-io/nkeys';
import { createTeamAuthorization, startNatsServer, type NatsServer } from '@llm-teams/broker';
import { parseTrace } from '@llm-teams/runtime';
import { tempDir } from '@llm-teams/testkit';

const run = promisify(execFile);
const script = fileURLToPath(new URL('./fixtures/secret-run.ts', import.meta.url));
const root = fileURLToPath(new URL('../..', import.meta.url));
const seedOf = () => new TextDecoder().decode(createUser().getSeed());

const natsNkey = createUser();
const secrets = {
  ANTHROPIC_API_KEY: 'sk-ant-test-8f3Kq2Zr9Lm4Xw7Vb1Nc',
  OPENAI_API_KEY: 'sk-test-openai-Qm8Zr2Lp5Xw9Vb3Nc7Kd',
  GEMINI_API_KEY: 'AIzaTestGemini-key-4815162342',
  NATS_PASSWORD: 'nats-pw-T0p-S3cret-77',
  NATS_NKEY_SEED: new TextDecoder().decode(natsNkey.getSeed()),
  LLMT_SIGNING_SEED: seedOf(),
};

function filesUnder(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    return statSync(path).isDirectory() ? filesUnder(path) : [path];
  });
}

describe('secrets never reach the outputs of a run', () => {
  let server: NatsServer;
  const tmp = tempDir('llmt-secrets-');
  const auth = createTeamAuthorization({
    team: 'secrun',
    members: [
      { name: 'runner', role: 'admin', password: secrets.NATS_PASSWORD },
      { name: 'runner-nkey', role: 'admin', nkey: natsNkey.getPublicKey() },
    ],
  });
  beforeAll(async () => {
    server = await startNatsServer({ extraConfig: auth.config });
  });
  afterAll(async () => {
    await server?.close();
    tmp.cleanup();
  });

  for (const mode of ['password', 'nkey'] as const) {
    it(`with ${mode} authentication`, async () => {
      const out = join(tmp.dir, mode);
      const { NATS_PASSWORD, NATS_NKEY_SEED, ...common } = secrets;
      const env = {
        ...process.env,
        ...common,
        ...(mode === 'password'
          ? { NATS_USER: 'runner', NATS_PASSWORD, NATS_INBOX_PREFIX: auth.inboxPrefix('runner') }
          : { NATS_NKEY_SEED, NATS_INBOX_PREFIX: auth.inboxPrefix('runner-nkey') }),
        LLMT_TEST_NATS_URL: server.url,
      };
      const { stdout, stderr } = await run(process.execPath, ['--import', 'tsx', script, out], {
        cwd: root,
        env,
        timeout: 120_000,
      });
      // The run did its work, and the paths that could leak were taken.
      expect(stdout).toMatch(/run completed: 6 tasks done/);
      expect(stdout).toMatch(/signed exchange: 1 delivered, 1 rejected/);
      const trace = parseTrace(readFileSync(join(out, 'trace.jsonl'), 'utf8'));
      expect(trace.some((e) => e.kind === 'reject' && e.from === 'alice')).toBe(true);
      expect(trace.some((e) => e.kind === 'mark' && e.name === 'careless')).toBe(true);
      if (mode === 'password') expect(stderr).toMatch(/Authorization Violation/i);

      const outputs: [string, string][] = [
        ['stdout', stdout],
        ['stderr', stderr],
        ['nats-server log', server.log()],
        ...filesUnder(out).map((f): [string, string] => [f, readFileSync(f, 'utf8')]),
      ];
      expect(outputs.map(([name]) => name)).toEqual(
        expect.arrayContaining([join(out, 'trace.jsonl'), join(out, 'result.json')]),
      );
      for (const [name, text] of outputs) {
        for (const [variable, value] of Object.entries(secrets)) {
          expect(text.includes(value), `${variable} appears in ${name}`).toBe(false);
        }
      }
    });
  }
});
