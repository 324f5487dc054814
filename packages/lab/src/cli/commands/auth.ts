import { resolve } from 'node:path';
import type { Command } from 'commander';
import { initTeamAuth, loadTeamAuth, TEAM_AUTH_FILES, type TeamAuth } from '../../run/team-auth.js';
import { EXIT, UsageError, type CliCommand, type CliContext } from '../cli-context.js';
import { stringList } from '../cli-parsers.js';

interface AuthInitFlags {
  team: string;
  members: string[];
  out: string;
  prefix?: string;
}

function authInitAction(flags: AuthInitFlags, ctx: CliContext): void {
  const dir = resolve(ctx.io.cwd, flags.out);
  if (flags.members.length === 0) throw new UsageError('--members: name at least one member');
  let file;
  try {
    file = initTeamAuth({
      team: flags.team,
      ...(flags.prefix !== undefined ? { prefix: flags.prefix } : {}),
      members: flags.members,
      dir,
    });
  } catch (err) {
    throw new UsageError((err as Error).message);
  }
  ctx.io.stdout(
    `wrote ${TEAM_AUTH_FILES.serverConfig} (nats-server authorization), ${TEAM_AUTH_FILES.team} ` +
      `(roles and public keys) and a NATS and a signing seed per member ` +
      `(${file.members.map((m) => `${m.name}: ${m.role}`).join(', ')}) into ${dir}\n`,
  );
  ctx.state.exitCode = EXIT.ok;
}

export const authCommand: CliCommand = {
  name: 'auth',
  register(program: Command, ctx: CliContext) {
    const auth = program
      .command('auth')
      .description("A team's NATS credentials, permissions and envelope-signing keys.");
    auth
      .command('init')
      .description(
        'Write a server authorization config, per-member NATS credentials and signing seeds (docs/security.md).',
      )
      .requiredOption('--team <team>', 'the team the credentials are for')
      .requiredOption(
        '--members <ids>',
        'its members, comma-separated (coord<n> coordinate, the rest are agents; the run itself is "director")',
        stringList,
      )
      .requiredOption('--out <dir>', 'directory to write into')
      .option('--prefix <prefix>', 'subject prefix (default llmt)')
      .action((flags: AuthInitFlags) => authInitAction(flags, ctx));
  },
};

/** `--auth <dir>` of `up`, `run` and `node`: the team's material, or a usage error naming it. */
export function loadAuthFlag(dir: string, cwd: string): TeamAuth {
  try {
    return loadTeamAuth(resolve(cwd, dir));
  } catch (err) {
    throw new UsageError(`--auth: ${(err as Error).message}`);
  }
}
