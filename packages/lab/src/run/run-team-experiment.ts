import { mkdir, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import {
  runDefinedTeam,
  type DefinedTeamResult,
  type DefinedTeamRunOptions,
} from '@llm-teams/agents';
import type { NatsConnection } from '@llm-teams/broker';
import { redact, systemClock, type TraceEvent } from '@llm-teams/runtime';
import { measureTrace, type RunMetrics } from '../metrics/trace-metrics.js';
import type { LoadedTeam } from '../teams/team-dir.js';
import { deleteTeamResources } from './nats-session.js';
import { RUN_FILES } from './run-experiment.js';
import {
  closeHostsAndTrace,
  composedOnStarted,
  DIRECTOR_HOST,
  type TeamHosts,
} from './team-hosts.js';
import { gatherTeamTrace, openTeamTrace } from './team-trace.js';

/** What `run --team` leaves in `result.json`. */
export interface TeamRunRecord {
  v: 1;
  kind: 'team';
  /** The team directory, its definition's name and the digest of its `team.ts`. */
  team: { dir: string; name: string; digest: string };
  spec: { seed: string; model: string; timeScale: number; deadlineMs?: number };
  startedAt: string;
  result: DefinedTeamResult;
  /** Measured from the trace (docs/metrics.md); task figures only for teams with a board. */
  metrics: RunMetrics;
  files: { trace?: string; result?: string };
}

export interface RunTeamExperimentOptions {
  team: LoadedTeam;
  nc: NatsConnection;
  seed: string;
  /** `--model`, when given. */
  model?: string;
  timeScale: number;
  deadlineMs?: number;
  /** The running team's name. Default: the definition's. */
  name?: string;
  /** Where `trace.jsonl` and `result.json` go. Default: write nothing. */
  outDir?: string;
  /** Delete the team's streams and buckets afterwards. Default true. */
  cleanup?: boolean;
  /** With `cleanup`, keep the team's trace stream for `llm-teams collect`. Default false. */
  keepTraceStream?: boolean;
  /** With members elsewhere: how long the merge waits for a host that has not closed its
   *  trace (one that was killed) once nothing new arrives. Default 3000. */
  traceQuietMs?: number;
  /** Each member on a host of its own (`run --hosts each`): the run runs on the director's
   *  host and the members join from theirs. Default: every member in one host on `nc`. */
  hosts?: TeamHosts;
  /** More `runDefinedTeam` options (faults, members hosted elsewhere). */
  teamOptions?: Partial<Omit<DefinedTeamRunOptions, 'nc' | 'definition' | 'trace'>>;
}

/**
 * Runs a team directory's team once, measures it from its trace, writes its files. With
 * members elsewhere (`teamOptions.localMembers`), this host's own trace goes to
 * `trace.director.jsonl` and `trace.jsonl` is the team's merged trace: every host's part read
 * back from the team's trace stream once the run is over, with this host's own events.
 */
export async function runTeamExperiment(options: RunTeamExperimentOptions): Promise<TeamRunRecord> {
  const { team, hosts } = options;
  const teamOptions = options.teamOptions ?? {};
  const name = options.name ?? team.definition.name;
  const prefix = teamOptions.prefix;
  const distributed = teamOptions.localMembers !== undefined;
  const node = distributed ? 'director' : hosts ? DIRECTOR_HOST : `node-${process.pid}`;
  const ownFile = distributed ? `trace.${node}.jsonl` : RUN_FILES.trace;
  let events: TraceEvent[] = [];
  if (options.outDir !== undefined) {
    await mkdir(options.outDir, { recursive: true });
    // A run interrupted earlier may have left a partial trace; the recorder appends.
    await rm(join(options.outDir, RUN_FILES.trace), { force: true });
    await rm(join(options.outDir, ownFile), { force: true });
  }
  const trace = openTeamTrace({
    nc: options.nc,
    team: name,
    prefix,
    node,
    file: options.outDir !== undefined ? join(options.outDir, ownFile) : undefined,
    onEvent: (e) => events.push(e),
  });
  hosts?.start(name, {
    trace,
    definition: team.definition,
    dir: team.dir,
    digest: team.digest,
    ...(teamOptions.modelOptions ? { modelOptions: teamOptions.modelOptions } : {}),
    ...(teamOptions.interceptor ? { interceptor: teamOptions.interceptor } : {}),
    ...(prefix ? { prefix } : {}),
  });
  const started = teamOptions.onStarted;
  // On the team's clock (default: the system clock).
  const startedAt = new Date((teamOptions.clock ?? systemClock).now()).toISOString();
  let result: DefinedTeamResult;
  try {
    result = await runDefinedTeam({
      ...teamOptions,
      ...(hosts
        ? {
            nc: hosts.directorNc,
            localMembers: [],
            clock: hosts.clocks.clocks.get(DIRECTOR_HOST)!,
            joinTimeoutMs: teamOptions.joinTimeoutMs ?? 60_000,
          }
        : { nc: options.nc }),
      definition: team.definition,
      dir: team.dir,
      digest: team.digest,
      seed: options.seed,
      timeScale: options.timeScale,
      node,
      team: name,
      ...(options.model !== undefined ? { model: options.model } : {}),
      ...(options.deadlineMs !== undefined ? { deadlineMs: options.deadlineMs } : {}),
      ...composedOnStarted(hosts, started),
      trace,
    });
  } finally {
    await closeHostsAndTrace(hosts, trace);
  }
  if (distributed && trace.publisher)
    events = await mergedTrace(options, name, { host: trace.publisher.host, events });
  if (options.cleanup ?? true)
    await deleteTeamResources(options.nc, result.team, prefix, {
      keepTraceStream: options.keepTraceStream ?? false,
    });
  const record = teamRunRecord(options, result, startedAt, events);
  if (options.outDir !== undefined)
    await writeFile(join(options.outDir, RUN_FILES.result), JSON.stringify(record, null, 2) + '\n');
  return record;
}

/** The team's whole trace, from its trace stream and this host's own events; written to
 *  `trace.jsonl` when there is an output directory. */
async function mergedTrace(
  options: RunTeamExperimentOptions,
  team: string,
  local: { host: string; events: TraceEvent[] },
): Promise<TraceEvent[]> {
  const merged = await gatherTeamTrace({
    nc: options.nc,
    team,
    prefix: options.teamOptions?.prefix,
    local,
    waitForEnds: true,
    quietMs: options.traceQuietMs ?? 3000,
  });
  if (options.outDir !== undefined)
    await writeFile(
      join(options.outDir, RUN_FILES.trace),
      // The stream's chunks were redacted by their hosts; this host's own events were not.
      redact(merged.events.map((e) => JSON.stringify(e) + '\n').join('')),
    );
  return merged.events;
}

function teamRunRecord(
  options: RunTeamExperimentOptions,
  result: DefinedTeamResult,
  startedAt: string,
  events: TraceEvent[],
): TeamRunRecord {
  const { team } = options;
  return {
    v: 1,
    kind: 'team',
    team: { dir: team.dir, name: team.definition.name, digest: team.digest },
    spec: {
      seed: options.seed,
      model: result.model,
      timeScale: options.timeScale,
      ...(options.deadlineMs !== undefined ? { deadlineMs: options.deadlineMs } : {}),
    },
    startedAt,
    result,
    metrics: measureTrace(events, { agents: result.members.length }),
    files: options.outDir !== undefined ? { trace: RUN_FILES.trace, result: RUN_FILES.result } : {},
  };
}
