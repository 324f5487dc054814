import { dirname, resolve } from 'node:path';
import type { Command } from 'commander';
import { createCassetteRecorder } from '@llm-teams/agents';
import { createRandom, createSkewedClock, systemClock } from '@llm-teams/runtime';
import { assertToken } from '@llm-teams/broker';
import type { RunSpec } from '../../run/run-spec.js';
import { RUN_FILES, runExperiment } from '../../run/run-experiment.js';
import { openNatsSession, type NatsSession } from '../../run/nats-session.js';
import type { RunRecord } from '../../run/run-record.js';
import { DIRECTOR } from '../../run/team-auth.js';
import { DIRECTOR_HOST, openTeamHosts, type TeamHosts } from '../../run/team-hosts.js';
import { runServers } from '../run-servers.js';
import { teamRoster } from '../../faults/team-roster.js';
import { EXIT, UsageError, type CliCommand, type CliContext } from '../cli-context.js';
import { checkModels, checkSuites, timestampId } from '../cli-validate.js';
import { createFaultController } from '../../faults/fault-controller.js';
import { loadRunFaults } from './chaos-faults.js';
import { runTeamAction } from './run-team.js';
import { natsCredentials } from '../nats-auth-flags.js';
import { usageLimitsOf } from '../limit-flags.js';
import { withRunFlags, type RunFlags } from './run-flags.js';
import { joinReporter, remoteMembers, teamMembers } from './remote-members.js';
import { loadAuthFlag } from './auth.js';

/** Two lines a person reads after a run. */
export function describeRecord(record: RunRecord): string {
  const { result: r, metrics: m } = record;
  const c = m.conflicts;
  const conflicts = c.concurrentWrites + c.rewrites + c.temporalViolations + c.duplicateClaims;
  return (
    `${r.status}${r.reason ? ` (${r.reason})` : ''}: makespan ${(r.makespanModelMs / 1000).toFixed(1)} s model time, ` +
    `${(r.wallMs / 1000).toFixed(1)} s wall; ${m.tasks.done}/${m.tasks.declared} tasks\n` +
    `tokens ${m.tokens.input} in / ${m.tokens.output} out; ${m.messages.total} messages; ` +
    `${conflicts} conflicts, ${c.refusedCas} refused CAS, ${m.testRuns.failed} failed test runs; ` +
    `checkers: ${m.checkers.errors} errors, ${m.checkers.warnings} warnings\n`
  );
}

/** The run's spec from its flags. */
function runSpecOf(flags: RunFlags): RunSpec {
  if (flags.modelTimeOrder !== undefined && flags.arch !== 'centralized') {
    const flag = flags.modelTimeOrder ? '--model-time-order' : '--no-model-time-order';
    throw new UsageError(
      `${flag} orders a coordinator's idle workers: a ${flags.arch} team has no coordinator`,
    );
  }
  return {
    suite: flags.suite,
    p: flags.p,
    arch: flags.arch,
    agents: flags.arch === 'single' ? 1 : flags.agents,
    model: flags.model,
    ...(flags.models !== undefined ? { models: flags.models } : {}),
    ...(flags.workload === 'scaled' ? { workload: 'scaled' as const } : {}),
    seed: flags.seed,
    timeScale: flags.timeScale,
    ...(flags.deadlineMs !== undefined ? { deadlineMs: flags.deadlineMs } : {}),
    ...(flags.modelTimeOrder !== undefined ? { modelTimeOrder: flags.modelTimeOrder } : {}),
  };
}

/** Who runs where: members elsewhere, the team's name, its credentials; checked together. */
function runIdentity(flags: RunFlags, spec: RunSpec, cwd: string) {
  const remote = remoteMembers(flags, spec);
  if (remote && flags.hosts === 'each') {
    throw new UsageError(
      '--hosts each puts every member in this process: give no --remote with it',
    );
  }
  let teamName: string | undefined;
  try {
    teamName = flags.teamName !== undefined ? assertToken('team', flags.teamName) : undefined;
  } catch (err) {
    throw new UsageError(`--team-name: ${(err as Error).message}`);
  }
  // With --auth the run is the team's `director`: it connects with that member's credentials
  // and signs for it and for every member it hosts.
  const auth = flags.auth !== undefined ? loadAuthFlag(flags.auth, cwd) : undefined;
  if (auth && teamName !== undefined && teamName !== auth.team) {
    throw new UsageError(`--team-name: ${teamName}, but --auth is for team ${auth.team}`);
  }
  if (auth) teamName = auth.team;
  const local = teamMembers(spec).filter((m) => !(remote ?? []).includes(m));
  if (flags.verify !== undefined && (spec.arch !== 'centralized' || flags.verify >= spec.agents)) {
    throw new UsageError(
      `--verify: reviewers are other agents of a centralized team: at most ${Math.max(0, spec.agents - 1)} here`,
    );
  }
  return { remote, teamName, auth, local };
}

/** Everything a run decided before its session opened. */
interface RunPlan {
  flags: RunFlags;
  spec: RunSpec;
  outDir: string;
  searchDirs: string[] | undefined;
  identity: ReturnType<typeof runIdentity>;
  members: string[];
  /** The one host of a run without `--hosts each`: every member, one clock. */
  oneHost: Map<string, string[]>;
  faultPlan: Awaited<ReturnType<typeof loadRunFaults>> | undefined;
  servers: ReturnType<NonNullable<ReturnType<typeof runServers>['control']>> | undefined;
  cassette: string | undefined;
  usageLimits: ReturnType<typeof usageLimitsOf>;
  say: (s: string) => void;
  /** Printed even with --quiet or --json (the node commands are the point of --remote). */
  tell: (s: string) => void;
}

/** The run on an open session: its hosts, its fault controller, the experiment. */
async function runOnSession(plan: RunPlan, session: NatsSession): Promise<RunRecord> {
  const { flags, spec, say, identity } = plan;
  const { auth, remote, local } = identity;
  const wireRandom = createRandom(plan.faultPlan?.seed ?? spec.seed).fork('wire');
  // With one host, its clock is the team's (clock faults move it; the faults' own triggers
  // and heals keep true time).
  const clock = createSkewedClock(systemClock);
  let hosts: TeamHosts | undefined;
  if (flags.hosts === 'each') {
    hosts = await openTeamHosts({
      servers: session.servers,
      members: plan.members,
      connect: (servers, name) => session.connect(servers, name),
      random: () => wireRandom.next(),
    });
    say(`${plan.members.length + 1} hosts, each behind the wire proxy\n`);
  }
  // Always serves the control subject (over the direct connection: faults never cut the
  // lab's own control), so `llm-teams chaos` can reach the team.
  const faults = createFaultController({
    ...(plan.faultPlan ? { plan: plan.faultPlan } : {}),
    seed: spec.seed,
    timeScale: spec.timeScale,
    nc: session.nc,
    ...(hosts ? { wire: hosts.wire } : {}),
    clocks: hosts?.clocks ?? { clocks: new Map([[DIRECTOR_HOST, clock]]), hosts: plan.oneHost },
    ...(session.cluster ? { cluster: session.cluster } : {}),
    ...(plan.servers ? { servers: plan.servers } : {}),
    onStarted: ({ team }) => say(`team ${team}: live faults with llm-teams chaos --team ${team}\n`),
  });
  const { usageLimits } = plan;
  try {
    return await runExperiment({
      spec,
      nc: session.nc,
      outDir: plan.outDir,
      ...(plan.searchDirs ? { searchDirs: plan.searchDirs } : {}),
      ...(hosts ? { hosts } : {}),
      ...(identity.teamName !== undefined ? { team: identity.teamName } : {}),
      // On a server that outlives the run, its trace stays for `llm-teams collect`.
      keepTraceStream: !session.embedded,
      teamOptions: {
        ...faults.teamOptions({
          ...(hosts ? {} : { clock }),
          ...(plan.cassette === undefined
            ? {}
            : { modelOptions: { recorder: createCassetteRecorder(plan.cassette) } }),
          ...(usageLimits === undefined ? {} : { usageLimits }),
        }),
        ...(flags.verify !== undefined ? { verify: { reviewers: flags.verify } } : {}),
        ...(flags.replicas !== undefined ? { replicas: flags.replicas } : {}),
        ...(auth ? { hostOptions: { signing: auth.signing([DIRECTOR, ...local]) } } : {}),
        ...(remote
          ? {
              localMembers: local,
              joinTimeoutMs: flags.joinTimeoutMs ?? 600_000,
              onJoinWait: joinReporter(
                session.url,
                plan.tell,
                session.embedded,
                auth ? ['--auth', auth.dir] : [],
              ),
            }
          : {}),
      },
    });
  } finally {
    await faults.close();
  }
}

function printRecord(plan: RunPlan, ctx: CliContext, record: RunRecord): void {
  const { flags, outDir, cassette } = plan;
  const { io } = ctx;
  if (flags.json) {
    const { result, metrics, ...rest } = record;
    io.stdout(
      JSON.stringify(
        { ...rest, outDir, result: { ...result, usage: result.usage.run }, metrics },
        null,
        2,
      ) + '\n',
    );
  } else if (!flags.quiet) {
    io.stdout(describeRecord(record));
    io.stdout(
      `wrote ${[...Object.values(RUN_FILES).map((f) => resolve(outDir, f)), ...(cassette ? [cassette] : [])].join(', ')}\n`,
    );
  }
  ctx.state.exitCode = record.result.status === 'completed' ? EXIT.ok : EXIT.failed;
}

async function runAction(flags: RunFlags, ctx: CliContext): Promise<void> {
  const { io } = ctx;
  const searchDirs = flags.suiteDir ? [resolve(io.cwd, flags.suiteDir)] : undefined;
  checkModels([flags.model], io.env);
  checkModels(Object.values(flags.models ?? {}), io.env, '--models');
  await checkSuites([flags.suite], [flags.p], searchDirs ? { searchDirs } : {});
  const spec = runSpecOf(flags);
  const identity = runIdentity(flags, spec, io.cwd);
  const outDir = resolve(
    io.cwd,
    flags.out ??
      `runs/${timestampId()}-${spec.suite}-p${spec.p}-${spec.arch}-n${spec.agents}-s${spec.seed}`,
  );
  const say = (s: string) => {
    if (!flags.quiet && !flags.json) io.stderr(s);
  };
  const roster = teamRoster({ arch: spec.arch, agents: spec.agents });
  const members = [...roster.coordinators, ...roster.workers];
  // Host names are known before any server starts, so the fault file is checked first.
  const plannedHosts =
    flags.hosts === 'each'
      ? new Map(
          [DIRECTOR_HOST, ...members].map((h) => [h, h === DIRECTOR_HOST ? ['director'] : [h]]),
        )
      : new Map<string, string[]>();
  const oneHost = new Map([[DIRECTOR_HOST, ['director', ...members]]]);
  const where = runServers(flags, io.cwd);
  const faultPlan =
    flags.faults !== undefined
      ? await loadRunFaults(flags.faults, io.cwd, spec, {
          brokerNodes: where.brokerNodes ?? [],
          wire: { hosts: plannedHosts, servers: where.names },
          hosts: plannedHosts.size > 0 ? plannedHosts : oneHost,
        })
      : undefined;
  const usageLimits = usageLimitsOf(flags);
  const cassette = flags.record === undefined ? undefined : resolve(io.cwd, flags.record);
  const replayed = spec.model.startsWith('replay:') ? resolve(io.cwd, spec.model.slice(7)) : '';
  if (cassette !== undefined && (cassette === replayed || dirname(cassette) === replayed)) {
    throw new UsageError(`--record ${flags.record} would overwrite the cassette --model replays`);
  }
  const credentials = natsCredentials(flags, io);
  const servers = where.control?.();
  const { auth } = identity;
  const session = await openNatsSession({
    ...(where.url !== undefined ? { url: where.url, serverNames: where.names } : {}),
    ...(flags.cluster !== undefined ? { cluster: flags.cluster } : {}),
    ...credentials,
    ...(auth ? { authFlags: { ...credentials.authFlags, ...auth.connectAs(DIRECTOR) } } : {}),
  });
  say(
    `run ${spec.suite} p=${spec.p} ${spec.arch} n=${spec.agents} ${spec.model} seed ${spec.seed} ` +
      `on ${session.embedded ? `an embedded nats-server (${session.url})` : session.url}\n`,
  );
  const plan: RunPlan = {
    flags,
    spec,
    outDir,
    searchDirs,
    identity,
    members,
    oneHost,
    faultPlan,
    servers,
    cassette,
    usageLimits,
    say,
    tell: (s) => io.stderr(s),
  };
  let record: RunRecord;
  try {
    record = await runOnSession(plan, session);
  } finally {
    await session.close();
  }
  printRecord(plan, ctx, record);
}

export const runCommand: CliCommand = {
  name: 'run',
  register(program: Command, ctx: CliContext) {
    withRunFlags(program.command('run')).action(
      (
        flags: RunFlags & {
          team?: string;
          name?: string;
        },
        command: Command,
      ) => {
        if (flags.team !== undefined)
          return runTeamAction(
            { ...flags, team: flags.team, joinTimeoutMs: flags.joinTimeoutMs ?? 60_000 },
            command,
            ctx,
          );
        return runAction(flags, ctx);
      },
    );
  },
};
