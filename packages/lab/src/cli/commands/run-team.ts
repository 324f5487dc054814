import { dirname, resolve } from 'node:path';
import type { Command } from 'commander';
import { createCassetteRecorder, type UsageLimits } from '@llm-teams/agents';
import { splitServerCredentials } from '@llm-teams/broker';
import {
  createRandom,
  createSkewedClock,
  FaultSpecError,
  systemClock,
  type Clock,
} from '@llm-teams/runtime';
import { createFaultController, type FaultController } from '../../faults/fault-controller.js';
import { loadFaultFile } from '../../faults/fault-file.js';
import type { FaultPlan } from '../../faults/fault-kinds.js';
import type { PlanContext } from '../../faults/fault-refs.js';
import { openNatsSession } from '../../run/nats-session.js';
import { RUN_FILES } from '../../run/run-experiment.js';
import {
  runTeamExperiment,
  type RunTeamExperimentOptions,
  type TeamRunRecord,
} from '../../run/run-team-experiment.js';
import { DIRECTOR } from '../../run/team-auth.js';
import type { TeamAuth } from '../../run/team-auth.js';
import { DIRECTOR_HOST, openTeamHosts, type HostLayout } from '../../run/team-hosts.js';
import type { LoadedTeam } from '../../teams/team-dir.js';
import { EXIT, UsageError, type CliContext, type CliIo } from '../cli-context.js';
import { checkModels, timestampId } from '../cli-validate.js';
import { usageLimitsOf, type UsageLimitFlags } from '../limit-flags.js';
import { natsCredentials } from '../nats-auth-flags.js';
import { runServers, type RunServerFlags, type RunServers } from '../run-servers.js';
import { loadAuthFlag } from './auth.js';
import {
  checkName,
  flagName,
  loadTeamFlag,
  nameFlag,
  NOT_FOR_TEAMS,
  resolveModelArg,
  SUITE_FLAGS,
} from './team-flags.js';

export interface RunTeamFlags extends UsageLimitFlags, RunServerFlags {
  team: string;
  name?: string;
  /** The suite runs' name for `--name`: the same with `--team`. */
  teamName?: string;
  model: string;
  seed: string;
  timeScale: number;
  deadlineMs?: number;
  nats?: string;
  out?: string;
  json?: boolean;
  quiet?: boolean;
  faults?: string;
  remote?: string[];
  joinTimeoutMs?: number;
  record?: string;
  replicas?: number;
  auth?: string;
  hosts?: HostLayout;
}

async function loadFaults(
  file: string,
  cwd: string,
  team: LoadedTeam,
  where: Pick<PlanContext, 'brokerNodes' | 'wire' | 'hosts'>,
): Promise<FaultPlan> {
  const workers = Object.keys(team.definition.members);
  try {
    return await loadFaultFile(resolve(cwd, file), {
      roster: { workers, coordinators: [], all: [DIRECTOR, ...workers] },
      ...where,
    });
  } catch (err) {
    if (err instanceof FaultSpecError)
      throw new UsageError(`--faults: ${err.problems.join('\n  ')}`);
    throw err;
  }
}

function describeTeamRecord(record: TeamRunRecord): string {
  const { result: r, metrics: m } = record;
  return (
    `${r.status}${r.reason ? ` (${r.reason})` : ''}: ${(r.wallMs / 1000).toFixed(1)} s wall` +
    `${r.endedBy ? `, ended by ${r.endedBy}` : ''}\n` +
    (r.output !== undefined ? `result ${JSON.stringify(r.output)}\n` : '') +
    `tokens ${m.tokens.input} in / ${m.tokens.output} out; ${m.messages.total} messages; ` +
    `checkers: ${m.checkers.errors} errors, ${m.checkers.warnings} warnings\n`
  );
}

/** Checks `--auth` against the team: its material must name the running team and every
 *  member (`llm-teams auth init --team <name> --members <the team's members>`). */
function checkAuth(auth: TeamAuth, name: string, members: readonly string[], named: boolean) {
  if (named && auth.team !== name)
    throw new UsageError(`--name: ${name}, but --auth is for team ${auth.team}`);
  const known = new Set(auth.file.members.map((m) => m.name));
  const missing = members.filter((m) => !known.has(m));
  if (missing.length > 0)
    throw new UsageError(
      `--auth: the material in ${auth.dir} has no credentials for ${missing.join(', ')}; ` +
        `create it with llm-teams auth init --team ${auth.team} --members ${members.join(',')}`,
    );
}

/** What `run --team` will do, checked before anything starts. */
interface TeamRunPlan {
  team: LoadedTeam;
  /** `--model`, when given. */
  model: string | undefined;
  auth: TeamAuth | undefined;
  /** The running team's name. */
  name: string;
  members: string[];
  remote: string[];
  local: string[];
  /** `--hosts each`. */
  each: boolean;
  outDir: string;
  where: RunServers;
  /** The hosts faults may name: each member's own (`--hosts each`), else this one. */
  hosts: Map<string, string[]>;
  faults: FaultPlan | undefined;
  usageLimits: UsageLimits | undefined;
  cassette: string | undefined;
}

/** Checks the flags and loads the team and its fault file: every usage error comes first. */
async function planTeamRun(flags: RunTeamFlags, command: Command, io: CliIo): Promise<TeamRunPlan> {
  for (const f of SUITE_FLAGS)
    if (command.getOptionValueSource(f) === 'cli')
      throw new UsageError(`${flagName(f)} does not apply with --team (the team says who works)`);
  for (const [f, why] of Object.entries(NOT_FOR_TEAMS))
    if (command.getOptionValueSource(f) === 'cli')
      throw new UsageError(`${flagName(f)} does not apply with --team: ${why}`);
  const named = nameFlag(flags);
  checkName(named);
  const team = await loadTeamFlag(flags.team, io.cwd);
  const model =
    command.getOptionValueSource('model') === 'cli'
      ? resolveModelArg(flags.model, io.cwd)
      : undefined;
  if (model !== undefined) checkModels([model], io.env);
  const members = Object.keys(team.definition.members);
  // With --auth the run is the team's `director`: it connects with that member's credentials
  // and signs for it and for every member it hosts; the team's name is the material's.
  const auth = flags.auth !== undefined ? loadAuthFlag(flags.auth, io.cwd) : undefined;
  const name = named ?? auth?.team ?? team.definition.name;
  if (auth) checkAuth(auth, name, members, named !== undefined);
  const remote = [...new Set(flags.remote ?? [])];
  for (const id of remote)
    if (!members.includes(id))
      throw new UsageError(
        `--remote: team ${team.definition.name} has no member ${id}; members are ${members.join(', ')}`,
      );
  const each = flags.hosts === 'each';
  if (each && remote.length > 0)
    throw new UsageError(
      '--hosts each puts every member in this process: give no --remote with it',
    );
  const local = members.filter((m) => !remote.includes(m));
  const where = runServers(flags, io.cwd);
  const hosts = each
    ? new Map([DIRECTOR_HOST, ...members].map((h) => [h, h === DIRECTOR_HOST ? [DIRECTOR] : [h]]))
    : new Map([[DIRECTOR_HOST, [DIRECTOR, ...local]]]);
  const faults =
    flags.faults !== undefined
      ? await loadFaults(flags.faults, io.cwd, team, {
          brokerNodes: where.brokerNodes ?? [],
          wire: { hosts: each ? hosts : new Map(), servers: where.names },
          hosts,
        })
      : undefined;
  const cassette = flags.record === undefined ? undefined : resolve(io.cwd, flags.record);
  const replayed = model?.startsWith('replay:') ? resolve(io.cwd, model.slice(7)) : '';
  if (cassette !== undefined && (cassette === replayed || dirname(cassette) === replayed))
    throw new UsageError(`--record ${flags.record} would overwrite the cassette --model replays`);
  const outDir = resolve(io.cwd, flags.out ?? `runs/${timestampId()}-${name}-s${flags.seed}`);
  return {
    ...{ team, model, auth, name, members, remote, local, each, outDir, where, hosts, faults },
    usageLimits: usageLimitsOf(flags),
    cassette,
  };
}

/** `llm-teams run --team <dir>`: runs a team of one's own (docs/sdk.md). */
export async function runTeamAction(
  flags: RunTeamFlags,
  command: Command,
  ctx: CliContext,
): Promise<void> {
  const { io } = ctx;
  const plan = await planTeamRun(flags, command, io);
  let record: TeamRunRecord;
  try {
    record = await startTeamRun(plan, flags, io);
  } catch (err) {
    if ((err as { code?: string }).code === 'INVALID_TEAM')
      throw new UsageError(`--team: ${(err as Error).message}`);
    throw err;
  }
  const { outDir, cassette } = plan;
  if (flags.json) io.stdout(JSON.stringify({ ...record, outDir }, null, 2) + '\n');
  else if (!flags.quiet) {
    io.stdout(describeTeamRecord(record));
    io.stdout(
      `wrote ${[resolve(outDir, RUN_FILES.trace), resolve(outDir, RUN_FILES.result), ...(cassette ? [cassette] : [])].join(', ')}\n`,
    );
  }
  ctx.state.exitCode = record.result.status === 'completed' ? EXIT.ok : EXIT.failed;
}

/** Connects (or starts the servers), prints where members elsewhere connect, and runs. */
async function startTeamRun(
  plan: TeamRunPlan,
  flags: RunTeamFlags,
  io: CliIo,
): Promise<TeamRunRecord> {
  const { team, auth, name, where } = plan;
  const say = (s: string) => {
    if (!flags.quiet && !flags.json) io.stderr(s);
  };
  const credentials = natsCredentials(flags, io);
  const servers = where.control?.();
  const session = await openNatsSession({
    ...(where.url !== undefined ? { url: where.url, serverNames: where.names } : {}),
    ...(flags.cluster !== undefined ? { cluster: flags.cluster } : {}),
    ...credentials,
    ...(auth ? { authFlags: { ...credentials.authFlags, ...auth.connectAs(DIRECTOR) } } : {}),
  });
  try {
    say(
      `run team ${team.definition.name} (${team.dir}) as ${name}, seed ${flags.seed}, on ${session.embedded ? `an embedded nats-server (${session.url})` : session.url}\n`,
    );
    // What to run elsewhere, one line a member, before the run waits for them (printed even
    // with --quiet or --json: they are the point of --remote).
    const url = splitServerCredentials(session.url).servers.join(',');
    for (const id of plan.remote)
      io.stderr(
        `run elsewhere: llm-teams node --nats ${url} --team ${flags.team}` +
          `${name !== team.definition.name ? ` --name ${name}` : ''} --agents ${id}` +
          `${auth ? ` --auth ${flags.auth}` : ''}\n`,
      );
    const wireRandom = createRandom(plan.faults?.seed ?? flags.seed).fork('wire');
    const hosts = plan.each
      ? await openTeamHosts({
          servers: session.servers,
          members: plan.members,
          connect: (s, n) => session.connect(s, n),
          random: () => wireRandom.next(),
        })
      : undefined;
    if (hosts) say(`${plan.members.length + 1} hosts, each behind the wire proxy\n`);
    // With one host, its clock is the team's (clock faults move it).
    const clock = createSkewedClock(systemClock);
    const faults = createFaultController({
      ...(plan.faults ? { plan: plan.faults } : {}),
      seed: flags.seed,
      timeScale: flags.timeScale,
      nc: session.nc,
      ...(hosts ? { wire: hosts.wire } : {}),
      clocks: hosts?.clocks ?? { clocks: new Map([[DIRECTOR_HOST, clock]]), hosts: plan.hosts },
      ...(session.cluster ? { cluster: session.cluster } : {}),
      ...(servers ? { servers } : {}),
      onStarted: ({ team: t }) => say(`team ${t}: live faults with llm-teams chaos --team ${t}\n`),
    });
    try {
      return await runTeamExperiment({
        team,
        nc: session.nc,
        seed: flags.seed,
        timeScale: flags.timeScale,
        outDir: plan.outDir,
        name,
        ...(plan.model !== undefined ? { model: plan.model } : {}),
        ...(flags.deadlineMs !== undefined ? { deadlineMs: flags.deadlineMs } : {}),
        ...(hosts ? { hosts } : {}),
        // On a server that outlives the run, its trace stays for `llm-teams collect`.
        keepTraceStream: !session.embedded,
        teamOptions: teamOptionsOf(plan, flags, faults, hosts ? undefined : clock),
      });
    } finally {
      await faults.close();
    }
  } finally {
    await session.close();
  }
}

/** The defined team's run options the flags and the fault controller ask for. */
function teamOptionsOf(
  plan: TeamRunPlan,
  flags: RunTeamFlags,
  faults: FaultController,
  clock: Clock | undefined,
): RunTeamExperimentOptions['teamOptions'] {
  const fo = faults.teamOptions(
    plan.cassette === undefined
      ? {}
      : { modelOptions: { recorder: createCassetteRecorder(plan.cassette) } },
  );
  return {
    ...(clock ? { clock } : {}),
    ...(plan.remote.length > 0
      ? {
          localMembers: plan.local,
          ...(flags.joinTimeoutMs !== undefined ? { joinTimeoutMs: flags.joinTimeoutMs } : {}),
        }
      : {}),
    ...(plan.usageLimits ? { usageLimits: plan.usageLimits } : {}),
    ...(flags.replicas !== undefined ? { replicas: flags.replicas } : {}),
    ...(plan.auth
      ? { hostOptions: { signing: plan.auth.signing([DIRECTOR, ...plan.local]) } }
      : {}),
    ...(fo.interceptor ? { interceptor: fo.interceptor } : {}),
    ...(fo.modelOptions ? { modelOptions: fo.modelOptions } : {}),
    ...(fo.onStarted ? { onStarted: fo.onStarted } : {}),
    ...(fo.onEnding ? { onEnding: fo.onEnding } : {}),
  };
}
