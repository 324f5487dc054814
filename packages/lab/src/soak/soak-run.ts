/**
 * One run of the chaos soak: a team on a fresh three-server cluster under its drawn faults
 * (soak-plan.ts), then judged: did it complete, did it lose an acknowledged write, did it
 * complete a task twice, is every fault it suffered in its trace (soak-faults.ts).
 *
 * System time: real servers killed and restarted: the patience with an election, the wall time and
 * a team name distinct from earlier runs' are the machine's.
 */
import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { DEFAULT_MODEL_ID } from '@llm-teams/agents';
import { isTransientNatsFailure, openTeamResources } from '@llm-teams/broker';
import { parseTrace, type TraceEvent } from '@llm-teams/runtime';
import { analyzeTrace } from '../analysis/analyze-trace.js';
import { readRunStart } from '../metrics/run-start.js';
import { createFaultController, type ControlledFault } from '../faults/fault-controller.js';
import { parseFaultPlan } from '../faults/fault-plan.js';
import { teamRoster } from '../faults/team-roster.js';
import { openNatsSession, type NatsSession } from '../run/nats-session.js';
import { RUN_FILES, runExperiment } from '../run/run-experiment.js';
import type { RunSpec } from '../run/run-spec.js';
import { accountFaults, countMessageFaults, type FaultAccount } from './soak-faults.js';
import type { SoakRunPlan } from './soak-plan.js';

export interface SoakRunOptions {
  /** Where this run's trace, result and fault file go. */
  outDir: string;
  /** Suite of every run. Default `tiny`. */
  suite?: string;
  /** Real ms per model ms. Default 0.02. */
  timeScale?: number;
  /** A run still going after this long (real ms) is stopped and counts as not completed.
   *  Default 180000. */
  deadlineMs?: number;
}

/** Writes whose loss the soak looks for. */
export interface LostWrites {
  /** Acknowledged workspace writes the bucket no longer holds at the end: the file's last
   *  revision there is older than a write the trace says succeeded, or the file is gone. */
  files: number;
  /** Blind overwrites: successful writes to one file, neither of which saw the other
   *  (the `concurrent-write` checker): one update was lost. */
  overwritten: number;
  /** Completions lost: the run says it completed, a task has no `done` (`lost-completion`). */
  completions: number;
}

export interface SoakRunResult {
  index: number;
  seed: string;
  arch: RunSpec['arch'];
  agents: number;
  families: string[];
  status: string;
  reason?: string;
  completed: boolean;
  tasks: { declared: number; done: number };
  lostWrites: LostWrites;
  /** Tasks completed more than once (`duplicate-completion`). */
  duplicateCompletions: number;
  faults: FaultAccount;
  /** What was injected, as counted where it was decided: the faults of the plan as they stood
   *  when the run ended, and the messages each message fault hit. */
  injected: { faults: ControlledFault[]; messageHits: Record<string, number> };
  /** Errors of every checker (`llm-teams analyze`). */
  checkerErrors: number;
  /** The same by checker (those with errors only). */
  checkerErrorsBy: Record<string, number>;
  wallMs: number;
  /** The run's directory, relative to the soak's. */
  dir: string;
  /** Why the run could not be judged (it threw). */
  error?: string;
}

const READ_PATIENCE_MS = 60_000;

/** The last successful write's revision per path, from the trace. */
function lastWrites(events: readonly TraceEvent[]): Map<string, number> {
  const last = new Map<string, number>();
  for (const e of events) {
    if (e.kind !== 'tool' || e.outcome !== 'ok' || e.path === undefined) continue;
    if (typeof e.rev !== 'number') continue;
    last.set(e.path, Math.max(last.get(e.path) ?? 0, e.rev));
  }
  return last;
}

/** Retries a read while the cluster elects a new leader after a server was killed (requests
 *  time out meanwhile), for up to `READ_PATIENCE_MS`. */
async function patiently<T>(read: () => Promise<T>): Promise<T> {
  const deadline = Date.now() + READ_PATIENCE_MS;
  for (;;) {
    try {
      return await read();
    } catch (err) {
      if (Date.now() > deadline || !isTransientNatsFailure(err)) throw err;
    }
  }
}

/** Acknowledged writes the team's `files` bucket does not hold at the end. */
async function lostFiles(
  session: NatsSession,
  team: string,
  events: readonly TraceEvent[],
): Promise<number> {
  const resources = await openTeamResources(session.nc, { team, timeoutMs: 30_000 });
  const files = await resources.bucket('files');
  let lost = 0;
  for (const [path, rev] of lastWrites(events)) {
    const entry = await patiently(() => files.get(`f.${path}`));
    if (!entry || entry.operation !== 'PUT' || entry.revision < rev) lost++;
  }
  return lost;
}

/** The checkers that found errors, and how many each. */
const errorsByChecker = (by: Record<string, { errors: number }>): Record<string, number> =>
  Object.fromEntries(
    Object.entries(by)
      .filter(([, c]) => c.errors > 0)
      .map(([name, c]) => [name, c.errors]),
  );

/** The run a soak plan makes: the tiny suite at p 0.5 by default, with its seed and team. */
function soakSpec(plan: SoakRunPlan, options: SoakRunOptions): RunSpec {
  return {
    suite: options.suite ?? 'tiny',
    p: 0.5,
    arch: plan.arch,
    agents: plan.agents,
    model: DEFAULT_MODEL_ID,
    seed: plan.seed,
    timeScale: options.timeScale ?? 0.02,
    deadlineMs: options.deadlineMs ?? 180_000,
  };
}

/** Runs the experiment under the plan's faults; the faults are closed whatever happens. */
async function runWithFaults(
  session: NatsSession,
  plan: SoakRunPlan,
  faultPlan: ReturnType<typeof parseFaultPlan>,
  spec: RunSpec,
  where: { outDir: string; team: string },
) {
  const faults = createFaultController({
    plan: faultPlan,
    seed: plan.seed,
    timeScale: spec.timeScale,
    cluster: session.cluster!,
  });
  const ledger = countMessageFaults(faults.injector);
  // What was injected into the run: the faults as they stood when it ended (`run.end`); a
  // heal after that is not part of it (the trace closes right after).
  let fired: ControlledFault[] | undefined;
  let record;
  try {
    record = await runExperiment({
      onEvent: (e) => {
        if (e.kind === 'mark' && e.name === 'run.end') fired ??= faults.list();
      },
      spec,
      nc: session.nc,
      outDir: where.outDir,
      report: false,
      team: where.team,
      cleanup: false,
      traceStream: false,
      teamOptions: { ...faults.teamOptions(), interceptor: ledger.interceptor },
    });
    fired ??= faults.list();
  } finally {
    await faults.close();
  }
  return { record, fired, hits: ledger.hits };
}

/** What a run's trace says: its outcome, lost writes, duplicate completions, faults. */
async function outcomeOf(
  session: NatsSession,
  team: string,
  events: ReturnType<typeof parseTrace>,
  record: Awaited<ReturnType<typeof runExperiment>>,
  fired: ControlledFault[],
  hits: ReturnType<typeof countMessageFaults>['hits'],
) {
  // As `llm-teams analyze` does: the trace's own task list gives the checkers the deps.
  const start = readRunStart(events);
  const analysis = analyzeTrace(
    events,
    start ? { deps: Object.fromEntries(start.tasks.map((t) => [t.id, t.deps])) } : {},
  );
  const errorsOf = (checker: string) => analysis.summary.byChecker[checker]?.errors ?? 0;
  return {
    status: record.result.status,
    ...(record.result.reason ? { reason: record.result.reason } : {}),
    completed: record.result.status === 'completed',
    tasks: { declared: record.metrics.tasks.declared, done: record.metrics.tasks.done },
    lostWrites: {
      files: await lostFiles(session, team, events),
      overwritten: errorsOf('concurrent-write'),
      completions: errorsOf('lost-completion'),
    },
    duplicateCompletions: errorsOf('duplicate-completion'),
    faults: accountFaults(events, fired, hits),
    injected: { faults: fired, messageHits: Object.fromEntries(hits) },
    checkerErrors: analysis.summary.errors,
    checkerErrorsBy: errorsByChecker(analysis.summary.byChecker),
  };
}

/** A run that could not be made (no cluster, a bad plan): nothing counted. */
const failedRun = (): Omit<
  SoakRunResult,
  'index' | 'seed' | 'arch' | 'agents' | 'families' | 'dir' | 'wallMs'
> => ({
  status: 'error',
  completed: false,
  tasks: { declared: 0, done: 0 },
  lostWrites: { files: 0, overwritten: 0, completions: 0 },
  duplicateCompletions: 0,
  faults: { injected: 0, traced: 0, missing: [] },
  injected: { faults: [], messageHits: {} },
  checkerErrors: 0,
  checkerErrorsBy: {},
});

/** Runs and judges one planned run. Never throws: a run that fails to run is a result too. */
export async function runSoakRun(
  plan: SoakRunPlan,
  options: SoakRunOptions,
): Promise<SoakRunResult> {
  const started = Date.now();
  const dir = `run-${String(plan.index + 1).padStart(3, '0')}`;
  const outDir = join(options.outDir, dir);
  const base = {
    index: plan.index,
    seed: plan.seed,
    arch: plan.arch,
    agents: plan.agents,
    families: plan.families,
    dir,
  };
  let session: NatsSession | undefined;
  try {
    session = await openNatsSession({ cluster: 3, name: `llm-teams-soak-${plan.index}` });
    const roster = teamRoster({ arch: plan.arch, agents: plan.agents });
    const faultPlan = parseFaultPlan(
      { faults: plan.faults },
      { roster, brokerNodes: session.cluster!.nodes.map((n) => n.name) },
    );
    const spec = soakSpec(plan, options);
    const team = `soak${plan.index}x${Date.now().toString(36)}`;
    const { record, fired, hits } = await runWithFaults(session, plan, faultPlan, spec, {
      outDir,
      team,
    });
    await writeFile(join(outDir, 'faults.json'), JSON.stringify(plan.faults, null, 2) + '\n');
    const events = parseTrace(await readFile(join(outDir, RUN_FILES.trace), 'utf8'));
    const result: SoakRunResult = {
      ...base,
      ...(await outcomeOf(session, team, events, record, fired, hits)),
      wallMs: Date.now() - started,
    };
    await writeFile(join(outDir, 'soak.json'), JSON.stringify(result, null, 2) + '\n');
    return result;
  } catch (err) {
    return {
      ...base,
      ...failedRun(),
      wallMs: Date.now() - started,
      error: err instanceof Error ? err.message : String(err),
    };
  } finally {
    await session?.close();
  }
}

/** The lost writes of a run, all kinds together. */
export const lostWriteCount = (r: Pick<SoakRunResult, 'lostWrites'>): number =>
  r.lostWrites.files + r.lostWrites.overwritten + r.lostWrites.completions;
