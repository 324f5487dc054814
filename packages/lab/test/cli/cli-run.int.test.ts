import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { startNatsServer } from '@llm-teams/broker';
import { isRunRecord, readResults } from '@llm-teams/lab';
import { argv, runCli } from '@llm-teams/testkit';

describe('llm-teams (the bin)', () => {
  const dir = mkdtempSync(join(tmpdir(), 'llmt-cli-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('run: one team on the embedded nats-server writes result.json, trace.jsonl and report.html', async () => {
    const out = join(dir, 'run');
    const res = await runCli(argv`run --suite tiny --p 0.5 --agents 2 --arch decentralized
      --model sim:gpt-5.2 --seed 3 --time-scale 0.001 --out ${out}`);
    expect(res.stderr).toMatch(/embedded nats-server/);
    expect(res.code, res.stderr).toBe(0);
    expect(res.stdout).toMatch(/^completed: makespan [\d.]+ s model time/);
    for (const f of ['result.json', 'trace.jsonl', 'report.html'])
      expect(existsSync(join(out, f))).toBe(true);
    const record: unknown = JSON.parse(readFileSync(join(out, 'result.json'), 'utf8'));
    expect(isRunRecord(record)).toBe(true);
    if (!isRunRecord(record)) return;
    expect(record.result.status).toBe('completed');
    expect(record.metrics.tasks).toEqual({ declared: 6, done: 6 });
    expect(record.metrics.makespanModelMs).toBe(record.result.makespanModelMs);
    expect(readFileSync(join(out, 'trace.jsonl'), 'utf8')).toMatch(/"name":"run.start"/);
    expect(readFileSync(join(out, 'report.html'), 'utf8')).toMatch(/<canvas id="chart-timeline">/);

    // analyze and view read what run wrote.
    const analyzed = await runCli(argv`analyze ${join(out, 'trace.jsonl')} --json`);
    expect(analyzed.code, analyzed.stderr).toBe(0);
    const json = JSON.parse(analyzed.stdout) as {
      analysis: { summary: { ok: boolean } };
      metrics: { tasks: unknown };
    };
    expect(json.analysis.summary.ok).toBe(true);
    expect(json.metrics.tasks).toEqual({ declared: 6, done: 6 });
    const viewed = await runCli(argv`view ${join(out, 'trace.jsonl')}`);
    expect(viewed.code, viewed.stderr).toBe(0);
    expect(existsSync(join(out, 'trace.html'))).toBe(true);
  });

  it('run: credentials given as flags reach a server that requires them', async () => {
    const password = 'flag-pw-5Tq9';
    const server = await startNatsServer({
      extraConfig: `authorization { users = [ { user: runner, password: "${password}" } ] }`,
    });
    try {
      // The team both commands run, on the server that wants a password.
      const team = ['--agents', '2', '--arch', 'decentralized', '--time-scale', '0.001'];
      const args = (out: string) => [
        'run',
        '--suite',
        'tiny',
        ...team,
        '--nats',
        server.url,
        '--out',
        join(dir, out),
      ];
      const login = ['--nats-user', 'runner', '--nats-pass', password];
      const refused = await runCli(args('auth-none'));
      expect(refused.code).not.toBe(0);
      expect(refused.stderr).toMatch(/authorization/i);
      // A refusal is a named error: its message, not a stack trace.
      expect(refused.stderr).not.toMatch(/\n\s+at /);
      const wrong = await runCli([
        ...args('auth-wrong'),
        '--nats-user',
        'runner',
        '--nats-pass',
        'not-it',
      ]);
      expect(wrong.code).not.toBe(0);
      expect(wrong.stderr).toMatch(/authorization/i);
      const res = await runCli([...args('auth-flags'), ...login]);
      expect(res.code, res.stderr).toBe(0);
      expect(res.stdout).toMatch(/^completed:/);
      // The password is a secret: never printed, never traced.
      expect(res.stdout + res.stderr).not.toContain(password);
      expect(readFileSync(join(dir, 'auth-flags', 'trace.jsonl'), 'utf8')).not.toContain(password);

      // A sweep's worker processes connect with the same flags (passed over IPC).
      const sweep = await runCli([
        'sweep',
        '--suites',
        'tiny',
        ...team,
        '--jobs',
        '1',
        '--nats',
        server.url,
        ...login,
        '--out',
        join(dir, 'auth-sweep'),
      ]);
      expect(sweep.code, sweep.stderr).toBe(0);
      expect(sweep.stdout).toMatch(
        /^completed: 1 runs in the grid, 0 done before, 1 run now \(0 failed\)/,
      );
    } finally {
      await server.close();
    }
  });

  // Six CLI processes one after another: the timeout leaves room for a loaded machine.
  it(
    'every command that connects declares the credential flags',
    { timeout: 180_000 },
    async () => {
      for (const command of ['run', 'node', 'chaos', 'explore', 'replay', 'sweep']) {
        const help = await runCli(argv`${command} --help`);
        expect(help.code, `${command} --help`).toBe(0);
        for (const flag of ['--nats-user', '--nats-pass-file', '--nats-creds', '--tls-ca'])
          expect(help.stdout, `${command} --help`).toContain(flag);
      }
    },
  );

  it('a bad flag exits 2 with a message naming the flag and the allowed values', async () => {
    const res = await runCli(argv`run --arch ring`);
    expect(res.code).toBe(2);
    expect(res.stderr).toMatch(
      /--arch <arch>.*'ring' is invalid.*Allowed choices are centralized, decentralized, single/,
    );
  });

  it('sweep --limit stops early; the same command again finishes without repeating a key', async () => {
    const out = join(dir, 'sweep');
    const grid = [
      '--suites',
      'tiny',
      '--agents',
      '1,2',
      '--arch',
      'centralized',
      '--model',
      'sim:gpt-5.2',
      '--time-scale',
      '0.001',
      '--jobs',
      '2',
      '--out',
      out,
    ];
    const first = await runCli(['sweep', ...grid, '--limit', '1']);
    expect(first.code, first.stderr).toBe(0);
    expect(first.stdout).toMatch(/^stopped: 2 runs in the grid, 0 done before, 1 run now/);
    expect(first.stderr).toMatch(/\[1\/2\] completed tiny\|p=0.5\|centralized/);
    const second = await runCli(['sweep', ...grid]);
    expect(second.code, second.stderr).toBe(0);
    expect(second.stdout).toMatch(
      /^completed: 2 runs in the grid, 1 done before, 1 run now \(0 failed\)/,
    );
    const keys = readResults(join(out, 'results.jsonl')).records.map((r) => r.key);
    expect(keys).toHaveLength(2);
    expect(new Set(keys).size).toBe(2);
    for (const f of ['results.jsonl', 'summary.json', 'report.html'])
      expect(existsSync(join(out, f))).toBe(true);
  });
});
