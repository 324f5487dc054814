import type { Command } from 'commander';
import { NATS_AUTH_FLAGS, type NatsAuthFlags } from '@llm-teams/broker';
import { natsUrlArg } from './cli-parsers.js';

/**
 * Declares the NATS credential flags (docs/security.md §1) on a command that connects. Each
 * flag overrides its environment variable; secrets are better given by variable or file,
 * since flags show in `ps`.
 */
export function withNatsAuthFlags(command: Command): Command {
  for (const f of NATS_AUTH_FLAGS) command.option(f.flag, `${f.what} (else $${f.env})`);
  return command;
}

/** Where a command's connection takes its credentials from: its environment and its flags
 *  (spread into `openNatsSession`'s options). */
export function natsCredentials(
  flags: object,
  io: { env: NodeJS.ProcessEnv },
): { env: NodeJS.ProcessEnv; authFlags: NatsAuthFlags } {
  return { env: io.env, authFlags: natsAuthFlagsOf(flags) };
}

/** The credential flags among a command's parsed options (commander's camelCase keys). */
export function natsAuthFlagsOf(flags: object): NatsAuthFlags {
  const out: NatsAuthFlags = {};
  const given = flags as Record<string, unknown>;
  for (const f of NATS_AUTH_FLAGS) {
    const value = given[f.key];
    if (typeof value === 'string') out[f.key] = value;
  }
  return out;
}

/** `--nats <url>` for the commands that start an embedded nats-server without it. */
export function withEmbeddedNatsFlag(command: Command): Command {
  return command.option(
    '--nats <url>',
    'NATS server URL (default: start an embedded nats-server)',
    natsUrlArg,
  );
}
