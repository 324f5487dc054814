/**
 * What `watch`, `view --live` and `collect` share: a team named by `--team` (and `--prefix`)
 * on the NATS server of `--nats`, reached with the command's credentials.
 */
import { assertToken } from '@llm-teams/broker';
import { LabError } from '../lab-error.js';
import { openNatsSession, type NatsSession } from '../run/nats-session.js';
import { UsageError, type CliIo } from './cli-context.js';
import { natsCredentials } from './nats-auth-flags.js';

/** A name flag's value, refused with the flag's name when it is not a NATS token. */
export function tokenFlag(kind: string, flag: string, value: string): string {
  try {
    return assertToken(kind, value);
  } catch (err) {
    throw new UsageError(`${flag}: ${(err as Error).message}`);
  }
}

export interface TeamFlags {
  nats: string;
  team: string;
  prefix?: string;
}

export interface TeamSession {
  team: string;
  prefix: string | undefined;
  session: NatsSession;
  /** Says on stderr that the team is not on the server yet and how long it is waited for. */
  waiting(waitMs: number): () => void;
}

/** Checks `--team` / `--prefix` and connects to `--nats` as `name`. */
export async function openTeamSession(
  flags: TeamFlags,
  io: CliIo,
  name: string,
): Promise<TeamSession> {
  const team = tokenFlag('team', '--team', flags.team);
  const prefix =
    flags.prefix !== undefined ? tokenFlag('prefix', '--prefix', flags.prefix) : undefined;
  const session = await openNatsSession({ url: flags.nats, name, ...natsCredentials(flags, io) });
  return {
    team,
    prefix,
    session,
    waiting: (waitMs) => () =>
      io.stderr(`team ${team}: not on ${session.url} yet; waiting up to ${waitMs} ms\n`),
  };
}

/** Starts following the team; if that fails the session closes, and a team that never
 *  showed up is a usage error naming `--team` and the server. */
export async function followOrClose<T>(t: TeamSession, start: () => Promise<T>): Promise<T> {
  try {
    return await start();
  } catch (err) {
    await t.session.close();
    if (err instanceof LabError && err.code === 'NO_SUCH_TEAM') {
      throw new UsageError(`--team: ${err.message} (${t.session.url})`);
    }
    throw err;
  }
}
