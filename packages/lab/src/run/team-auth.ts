import { chmodSync, existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import {
  assertToken,
  createTeamAuthorization,
  type NatsAuthFlags,
  type TeamMember,
  type TeamRole,
} from '@llm-teams/broker';
import { createActorSigningKeys, type EnvelopeSigningOptions } from '@llm-teams/runtime';
import { LabError } from '../lab-error.js';

/**
 * A team's security material in one directory (`llm-teams auth init`), read by `up --auth`,
 * `run --auth` and `node --auth`:
 *
 * - `server.conf`: the nats-server `authorization { users = [...] }` block: one nkey user per
 *   member with the subject permissions of its role (createTeamAuthorization), plus `director`
 *   (admin: the `run` process, which provisions the team and hosts whatever is not remote).
 * - `team.json`: the team, its prefix, and each member's role and public keys (its NATS user
 *   key, and the key that signs its envelopes): the trust store, nothing secret.
 * - `<member>.nats.nk`: the member's NATS user seed (it connects with it).
 * - `<member>.sign.nk`: the seed its envelopes are signed with. Two keys, not one: a leaked
 *   connection seed lets one connect with the member's permissions, never sign as the member.
 *
 * Seeds are written mode 0600. Give each machine the `team.json` and the seeds of the members
 * it hosts; `server.conf` goes to the servers.
 */
export const TEAM_AUTH_FILES = {
  serverConfig: 'server.conf',
  team: 'team.json',
  natsSeed: (member: string) => `${member}.nats.nk`,
  signingSeed: (member: string) => `${member}.sign.nk`,
} as const;

/** The member the `run` process connects and signs as. */
export const DIRECTOR = 'director';

export interface TeamAuthMember {
  name: string;
  role: TeamRole;
  /** Public NATS user key (`U...`). */
  natsKey: string;
  /** Public key its envelopes are signed with (`U...`). */
  signingKey: string;
}

export interface TeamAuthFile {
  v: 1;
  team: string;
  prefix: string;
  members: TeamAuthMember[];
}

/** A member's role from its name: `coord<n>` coordinates, `director` administers, the rest are
 *  agents. */
export function roleOf(member: string): TeamRole {
  if (member === DIRECTOR) return 'admin';
  return /^coord\d+$/.test(member) ? 'coordinator' : 'agent';
}

function writeSeed(file: string, seed: string): void {
  writeFileSync(file, seed + '\n', { mode: 0o600 });
  chmodSync(file, 0o600);
}

/** Writes a team's authorization config, credentials and signing seeds into `dir`. */
export function initTeamAuth(options: {
  team: string;
  prefix?: string;
  members: readonly string[];
  dir: string;
}): TeamAuthFile {
  const team = assertToken('team', options.team);
  const prefix = assertToken('prefix', options.prefix ?? 'llmt');
  const names = [...new Set(options.members.map((m) => assertToken('member', m)))];
  if (names.includes(DIRECTOR)) {
    throw new LabError('INVALID_ARGUMENT', `"${DIRECTOR}" is the run's own member; leave it out`);
  }
  const all = [DIRECTOR, ...names];
  mkdirSync(options.dir, { recursive: true });
  // Fresh user nkey pairs: one to connect with, one to sign with, per member.
  const nats = createActorSigningKeys(all);
  const signing = createActorSigningKeys(all);
  const members: TeamAuthMember[] = [];
  for (const name of all) {
    writeSeed(join(options.dir, TEAM_AUTH_FILES.natsSeed(name)), nats.keys[name]!);
    writeSeed(join(options.dir, TEAM_AUTH_FILES.signingSeed(name)), signing.keys[name]!);
    members.push({
      name,
      role: roleOf(name),
      natsKey: nats.trusted[name]!,
      signingKey: signing.trusted[name]!,
    });
  }
  const file: TeamAuthFile = { v: 1, team, prefix, members };
  const roster: TeamMember[] = members.map((m) => ({
    name: m.name,
    role: m.role,
    nkey: m.natsKey,
  }));
  const auth = createTeamAuthorization({ team, prefix, members: roster });
  writeFileSync(join(options.dir, TEAM_AUTH_FILES.serverConfig), auth.config + '\n');
  writeFileSync(join(options.dir, TEAM_AUTH_FILES.team), JSON.stringify(file, null, 2) + '\n');
  return file;
}

/** A team's security material, read back. */
export interface TeamAuth {
  readonly dir: string;
  readonly file: TeamAuthFile;
  readonly team: string;
  readonly prefix: string;
  /** The server's `authorization` block (for `up --auth`). */
  serverConfig(): string;
  /** NATS credential flags to connect as `member` (its seed file and its inbox prefix). */
  connectAs(member: string): NatsAuthFlags;
  /** Signing for a host sending for `members` and trusting every member of the team. */
  signing(members: readonly string[]): EnvelopeSigningOptions;
}

export function loadTeamAuth(dir: string): TeamAuth {
  const root = resolve(dir);
  const teamFile = join(root, TEAM_AUTH_FILES.team);
  if (!existsSync(teamFile)) {
    throw new LabError(
      'INVALID_ARGUMENT',
      `${root} holds no ${TEAM_AUTH_FILES.team}; create it with llm-teams auth init`,
    );
  }
  const file = JSON.parse(readFileSync(teamFile, 'utf8')) as TeamAuthFile;
  if (file.v !== 1 || !Array.isArray(file.members)) {
    throw new LabError('INVALID_ARGUMENT', `${teamFile} is not a team auth file (v 1)`);
  }
  const member = (name: string) => {
    const m = file.members.find((x) => x.name === name);
    if (!m) {
      throw new LabError(
        'INVALID_ARGUMENT',
        `${name} is not a member of team ${file.team} in ${root} (members: ${file.members.map((x) => x.name).join(', ')})`,
      );
    }
    return m;
  };
  const seed = (path: string) => {
    if (!existsSync(path)) throw new LabError('INVALID_ARGUMENT', `missing seed file ${path}`);
    return readFileSync(path, 'utf8').trim();
  };
  const base = `${file.prefix}.${file.team}`;
  return {
    dir: root,
    file,
    team: file.team,
    prefix: file.prefix,
    serverConfig: () => readFileSync(join(root, TEAM_AUTH_FILES.serverConfig), 'utf8'),
    connectAs(name) {
      member(name);
      return {
        natsNkeyFile: join(root, TEAM_AUTH_FILES.natsSeed(name)),
        natsInboxPrefix: `_INBOX.${base}.${name}`,
      };
    },
    signing(members) {
      const keys: Record<string, string> = {};
      for (const m of members) {
        member(m);
        keys[m] = seed(join(root, TEAM_AUTH_FILES.signingSeed(m)));
      }
      const trusted = Object.fromEntries(file.members.map((m) => [m.name, m.signingKey]));
      return { keys, trusted, required: true };
    },
  };
}
