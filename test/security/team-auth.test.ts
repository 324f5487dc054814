import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  connectNats,
  openTeamResources,
  teamResourceNames,
  type NatsConnection,
} from '@llm-teams/broker';
import {
  createActorSigningKeys,
  createEnvelope,
  createEnvelopeSigner,
  encodeBatch,
  parseTrace,
} from '@llm-teams/runtime';
import { loadTeamAuth, main, type CliIo } from '@llm-teams/lab';
import { nextPermissionError, spawnCli, tempDir, until, type CliProcess } from '@llm-teams/testkit';

const TEAM = 'sec';
const MEMBERS = ['coord1', 'coord2', 'a1', 'a2', 'a3'];

/** The command line in this process (commands that only write files or start servers). */
async function cli(argv: string[]) {
  let stdout = '';
  let stderr = '';
  const io: CliIo = {
    stdout: (t) => void (stdout += t),
    stderr: (t) => void (stderr += t),
    isTTY: false,
    cwd: process.cwd(),
    env: {},
  };
  const code = await main(argv, io);
  return { code, stdout, stderr };
}

/** Dead letters on the team's DLQ as `nc` sees them: the subject and the reason. */
function deadLetters(nc: NatsConnection): { subject: string; reason: string }[] {
  const dead: { subject: string; reason: string }[] = [];
  nc.subscribe(teamResourceNames({ team: TEAM }).subjects.dlq, {
    callback: (_err, msg) => {
      dead.push({
        subject: msg.headers?.get('Llmt-Subject') ?? '',
        reason: msg.headers?.get('Llmt-Reason') ?? '',
      });
    },
  });
  return dead;
}

async function untilTaskGivenOut(nc: NatsConnection): Promise<void> {
  const board = await (await openTeamResources(nc, { team: TEAM })).bucket('board');
  await until(
    'a task given out',
    async () => {
      for await (const key of await board.keys('task.>')) {
        const e = await board.get(key).catch(() => null);
        if (e?.operation === 'PUT' && e.json<{ status: string }>().status !== 'open') return true;
      }
      return false;
    },
    120_000,
  );
}

/** A valid envelope "from coord1" to each member, signed with a key nobody trusts, published
 *  with `forger`'s credentials. */
function forgeFromCoord1(forger: NatsConnection): void {
  const subjects = teamResourceNames({ team: TEAM }).subjects;
  const wrong = createActorSigningKeys(['coord1']);
  const signer = createEnvelopeSigner({ keys: wrong.keys, trusted: wrong.trusted });
  for (const [i, to] of MEMBERS.entries()) {
    const env = createEnvelope({
      id: `forged-${to}`,
      team: TEAM,
      from: 'coord1',
      to,
      type: 'task.cancel',
      lamport: 1,
      seq: i + 1,
      attempt: 1,
      sentAt: Date.now(),
      body: { taskId: 't1' },
    });
    const data = encodeBatch([env]);
    forger.publish(subjects.inbox(to), data, { headers: signer.sign('coord1', data) });
  }
}

describe('a team secured from the command line (auth init, up --auth, run --auth, node --auth)', () => {
  const dir = tempDir('llmt-auth-');
  const authDir = join(dir.dir, 'auth');
  const upDir = join(dir.dir, 'nats');
  const children: CliProcess[] = [];
  const open: NatsConnection[] = [];
  let url: string;
  const auth = () => loadTeamAuth(authDir);
  /** Connects with `member`'s credentials from the auth directory. */
  const as = async (member: string) => {
    const flags = auth().connectAs(member);
    const nc = await connectNats({
      servers: url,
      name: `test-${member}`,
      nkeySeed: readFileSync(flags.natsNkeyFile!, 'utf8').trim(),
      extra: { inboxPrefix: flags.natsInboxPrefix! },
    });
    open.push(nc);
    return nc;
  };

  beforeAll(async () => {
    const init = await cli([
      'auth',
      'init',
      '--team',
      TEAM,
      '--members',
      MEMBERS.join(','),
      '--out',
      authDir,
    ]);
    expect(init.code, init.stderr).toBe(0);
    const up = await cli(['up', '--auth', authDir, '--dir', upDir]);
    expect(up.code, up.stderr).toBe(0);
    url = up.stdout.trim();
  });
  afterAll(async () => {
    for (const c of children) c.kill('SIGKILL');
    await Promise.all(open.map((nc) => nc.close()));
    await cli(['down', '--dir', upDir]);
    dir.cleanup();
  });

  it('refuses a connection without credentials', async () => {
    const err = await connectNats({ servers: url, maxReconnectAttempts: 0, timeoutMs: 3000 }).then(
      () => undefined,
      (e: unknown) => e,
    );
    expect(String(err)).toMatch(/Authorization Violation/i);
  });

  it('runs signed; a forged envelope to every member is rejected and dead-lettered; credentials publish only what their role allows', async () => {
    const out = join(dir.dir, 'run');
    const run = spawnCli(
      [
        'run',
        '--nats',
        url,
        '--auth',
        authDir,
        '--suite',
        'tiny',
        '--agents',
        '3',
        '--remote',
        'a2,a3',
        '--seed',
        '2',
        '--time-scale',
        '0.02',
        '--out',
        out,
      ],
      { cwd: dir.dir },
    );
    children.push(run);
    const printed = () => run.output().stderr.match(/^ {2}llm-teams node .*$/gm) ?? [];
    await until('the node commands', () => printed().length === 2, 120_000);
    for (const line of printed()) {
      const args = line.trim().split(/\s+/).slice(1);
      expect(args.slice(-2)).toEqual(['--auth', authDir]);
      children.push(spawnCli(args, { cwd: dir.dir }));
    }

    // Dead letters, as the director sees them.
    const director = await as('director');
    const subjects = teamResourceNames({ team: TEAM }).subjects;
    const dead = deadLetters(director);
    await untilTaskGivenOut(director);

    // a1's own credentials may send to every inbox of the roster, but it cannot sign as
    // coord1: a valid envelope "from coord1", signed with a key nobody trusts, to each member.
    forgeFromCoord1(await as('a1'));
    await until(
      'a dead letter for every member',
      () => MEMBERS.every((m) => dead.some((d) => d.subject === subjects.inbox(m))),
      60_000,
    );
    for (const m of MEMBERS) {
      const d = dead.find((x) => x.subject === subjects.inbox(m))!;
      expect(d.reason, m).toMatch(/sign|trust|key/i);
    }

    // a2's credentials: not the control subjects, not another member's claim on the board.
    const a2 = await as('a2');
    const boardBucket = teamResourceNames({ team: TEAM }).buckets.board;
    for (const subject of [subjects.control('faults'), `$KV.${boardBucket}.member.a3`]) {
      const refused = nextPermissionError(a2);
      a2.publish(subject, new Uint8Array([1]));
      expect(await refused).toContain(subject);
    }

    for (const c of children) {
      const r = await c.exited;
      expect(r.code, r.stderr).toBe(0);
    }
    const record = JSON.parse(readFileSync(join(out, 'result.json'), 'utf8')) as {
      result: { status: string };
    };
    expect(record.result.status).toBe('completed');
    // The merged trace names each forgery where it was refused.
    const events = parseTrace(readFileSync(join(out, 'trace.jsonl'), 'utf8'));
    const forged = events.flatMap((e) =>
      e.kind === 'reject' && e.msgId?.startsWith('forged-') ? [e.msgId] : [],
    );
    expect(new Set(forged)).toEqual(new Set(MEMBERS.map((m) => `forged-${m}`)));
  });
});
