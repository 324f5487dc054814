/**
 * Members hosted elsewhere (`run --remote`): which members they are, and what the run tells a
 * person about starting them (the exact `llm-teams node` command for each).
 */
import { teamCoordinators, type JoinProgress } from '@llm-teams/agents';
import { splitServerCredentials } from '@llm-teams/broker';
import type { RunSpec } from '../../run/run-spec.js';
import { UsageError } from '../cli-context.js';
import type { RunFlags } from './run-flags.js';

/** The team's members for a spec: workers a1..an, and coordinators when centralized. */
export function teamMembers(spec: Pick<RunSpec, 'arch' | 'agents'>): string[] {
  const n = spec.arch === 'single' ? 1 : spec.agents;
  const workers = Array.from({ length: n }, (_, i) => `a${i + 1}`);
  return [...workers, ...teamCoordinators(spec.arch)];
}

/** The `--remote` members, checked against the team. */
export function remoteMembers(flags: RunFlags, spec: RunSpec): string[] | undefined {
  if (!flags.remote) return undefined;
  const members = teamMembers(spec);
  const unknown = flags.remote.filter((m) => !members.includes(m));
  if (unknown.length > 0) {
    throw new UsageError(
      `--remote: ${unknown.join(', ')} ${unknown.length > 1 ? 'are' : 'is'} not in this team; its members are ${members.join(', ')}`,
    );
  }
  if (flags.remote.length === 0) throw new UsageError('--remote: name at least one member');
  return [...new Set(flags.remote)];
}

/** The exact `llm-teams node` command that hosts `member` of `team` (no credentials: they
 *  come from that machine's environment or flags). */
export function nodeCommandLine(options: {
  url: string;
  team: string;
  member: string;
  extra?: readonly string[];
}): string {
  const url = splitServerCredentials(options.url).servers.join(',');
  return [
    `llm-teams node --nats ${url} --team ${options.team} --agents ${options.member}`,
    ...(options.extra ?? []),
  ].join(' ');
}

/** What the join barrier says while members elsewhere are missing. */
export function joinReporter(
  url: string,
  say: (s: string) => void,
  embedded: boolean,
  extra: readonly string[],
): (p: JoinProgress & { team: string }) => void {
  let printed = false;
  return (p) => {
    if (!printed) {
      printed = true;
      say(
        `team ${p.team}: waiting for ${p.missing.length} member(s) hosted elsewhere; start each with:\n` +
          p.missing
            .map((member) => `  ${nodeCommandLine({ url, team: p.team, member, extra })}\n`)
            .join('') +
          (embedded
            ? `(the embedded nats-server listens on ${url} only: start them on this machine, or give --nats)\n`
            : ''),
      );
    } else if (p.joined.length > 0) {
      say(
        `team ${p.team}: joined ${p.joined.join(', ')}${p.missing.length > 0 ? `; missing ${p.missing.join(', ')}` : '; starting'}\n`,
      );
    }
  };
}
