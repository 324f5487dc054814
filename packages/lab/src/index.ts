/**
 * @llm-teams/lab: experiments. Task suites, runs and sweeps, metrics and fits, reports and the
 * trace viewer, fault plans, controlled schedules, and the `llm-teams` command line.
 *
 * What other packages, tests and programs driving experiments use; everything else is the
 * command line's own. Lab's modules import each other's files directly (no folder indexes), so
 * the package has no import circles (`npm run cycles`).
 */
export { LabError, type LabErrorCode } from './lab-error.js';

// The command line.
export { main } from './cli/main.js';
export { EXIT, type CliIo } from './cli/cli-context.js';

// Task suites (docs/suites.md).
export {
  listSuites,
  loadSuite,
  validateSuite,
  type LoadSuiteOptions,
  type SuiteSummary,
  type ValidateSuiteOptions,
} from './suites/suite-loader.js';
export {
  BUILT_IN_SUITES_DIR,
  resolveSuiteDir,
  type SuiteSearchOptions,
} from './suites/suite-source.js';
export {
  SuiteValidationError,
  validateTaskSuite,
  type SuiteIssue,
} from './suites/suite-validation.js';
export { copyId, scaleSuite } from './suites/scaled-suite.js';
// Plausible wrong versions of each task (docs/suites.md, Mistakes).
export {
  MISTAKES_FILE,
  MISTAKE_KINDS,
  applyMistake,
  mistakeCatalogSchema,
  type MistakeCatalog,
  type MistakeEntry,
  type MistakeKind,
} from './suites/mistake-catalog.js';
export { applySite, mutationSites, type MutationSite } from './suites/mutation-sites.js';
export {
  checkMistakes,
  entryOf,
  findMistakes,
  generateMistakeCatalogs,
  writeMistakeCatalog,
  type FindMistakesOptions,
  type MistakeCatalogProgress,
  type MistakeCheck,
} from './suites/suite-mistakes.js';

// One run, and the record it leaves.
export {
  ARCHITECTURES,
  DEFAULT_RUN_SPEC,
  MEMBER_KEY,
  defaultModelTimeOrder,
  mixLabel,
  modelTimeOrderOf,
  normalizeRunSpec,
  runKey,
  type RunSpec,
} from './run/run-spec.js';
export { isRunRecord, type RunRecord } from './run/run-record.js';
export { RUN_FILES, runExperiment, type RunExperimentOptions } from './run/run-experiment.js';
export {
  runTeamExperiment,
  type RunTeamExperimentOptions,
  type TeamRunRecord,
} from './run/run-team-experiment.js';

// Teams of one's own: a directory holding team.ts (docs/sdk.md).
export { isTeamDir, loadTeamDir, TEAM_FILE, type LoadedTeam } from './teams/team-dir.js';

// Sweeps: grids of runs, their results and summaries.
export { PAPER_PRESET, expandGrid, type SweepGrid } from './sweep/sweep-grid.js';
export { openResultsStore, readResults, type ResultsStore } from './sweep/results-store.js';
export {
  summarizeSweep,
  type CellSummary,
  type CurveSummary,
  type SweepSummary,
} from './sweep/sweep-summary.js';
export {
  SWEEP_FILES,
  runSweep,
  type RunSweepOptions,
  type SweepOutcome,
  type SweepProgress,
} from './sweep/run-sweep.js';
export { createWorkerPool, type WorkerPool, type WorkerPoolOptions } from './sweep/worker-pool.js';

// Trace analysis: every checker and the report of their findings (docs/checkers.md).
export {
  CHECKERS,
  analyzeTrace,
  analyzeTraceFile,
  type AnalysisResult,
  type AnalysisSummary,
  type AnalyzeOptions,
} from './analysis/analyze-trace.js';
export {
  createTeamContext,
  type TeamContext,
  type TeamContextOptions,
} from './analysis/team-context.js';
export { checkConcurrentWrites, checkRewrites } from './analysis/workspace-check.js';
export {
  checkDuplicateCompletions,
  checkLostCompletions,
  checkTemporal,
} from './analysis/task-check.js';
export { checkVotes } from './analysis/vote-check.js';
export {
  analysisToJson,
  describeEvent,
  renderFindingsText,
  type RenderFindingsOptions,
} from './analysis/explain.js';

// Metrics, scaling bounds and fits (docs/metrics.md).
export {
  measureTrace,
  taskSpans,
  type AgentMetrics,
  type MeasureTraceOptions,
  type RunMetrics,
  type TaskSpan,
} from './metrics/trace-metrics.js';
export { countDuplicateClaims, type ConflictCounts } from './metrics/conflict-metrics.js';
export { readRunStart, type RunStartInfo } from './metrics/run-start.js';
export {
  listScheduleMs,
  measureSchedule,
  type ScheduleMetrics,
} from './metrics/schedule-metrics.js';
export { amdahlBound, criticalPathModelMs, workSpanBound } from './metrics/scaling-bounds.js';
export {
  fitAmdahl,
  fitGustafson,
  fitPowerLaw,
  fitUsl,
  gustafsonSpeedup,
  uslSpeedup,
  type AmdahlFit,
  type GustafsonFit,
  type PowerLawFit,
  type SpeedupPoint,
  type UslFit,
} from './metrics/scaling-fits.js';
export { meanCi, tCritical95, type MeanCi } from './metrics/summary-statistics.js';

// Reports.
export { chartsOf, renderReportHtml, type ReportPage } from './report/report-html.js';
export { buildRunReport, writeRunReport } from './report/run-report.js';
export { buildSweepReport, writeSweepReport } from './report/sweep-report.js';
export { paperFigures } from './report/paper-figures.js';

// The space-time viewer (docs/viewer.md) and ShiViz's log format.
export { ARROW_STYLES, EVENT_KINDS, SPAN_STYLES, STUB_STYLES } from './viewer/space-time-codes.js';
export {
  buildSpaceTimeModel,
  type SpaceTimeModel,
  type SpaceTimeModelOptions,
} from './viewer/space-time-model.js';
export {
  renderSpaceTimeHtml,
  writeSpaceTimeHtml,
  type SpaceTimeHtmlOptions,
  type WriteSpaceTimeOptions,
} from './viewer/space-time-html.js';
export { SHIVIZ_REGEX, toShiVizLog, type ShiVizLogOptions } from './viewer/shiviz-log.js';
export {
  startLiveViewServer,
  type LiveViewServer,
  type LiveViewServerOptions,
} from './viewer/live-view-server.js';

// The chaos soak (docs/soak.md).
export {
  planSoakRun,
  SOAK_FAULT_FAMILIES,
  type SoakFaultFamily,
  type SoakPlanOptions,
  type SoakRunPlan,
} from './soak/soak-plan.js';
export {
  accountFaults,
  countMessageFaults,
  type FaultAccount,
  type MessageFaultLedger,
} from './soak/soak-faults.js';
export {
  lostWriteCount,
  runSoakRun,
  type LostWrites,
  type SoakRunOptions,
  type SoakRunResult,
} from './soak/soak-run.js';
export {
  formatSoakTable,
  runSoak,
  SOAK_COLUMNS,
  summarize as summarizeSoak,
  type SoakOptions,
  type SoakReport,
  type SoakSummary,
} from './soak/soak-report.js';
// Fault plans and the controller that applies them (docs/faults.md).
export {
  FAULT_KINDS,
  type FaultKind,
  type FaultLayer,
  type FaultPlan,
  type PlannedFault,
} from './faults/fault-kinds.js';
export { parseFaultEntry, parseFaultPlan } from './faults/fault-plan.js';
export type { PlanContext } from './faults/fault-refs.js';
export { loadFaultFile } from './faults/fault-file.js';
export { teamRoster, type TeamRoster } from './faults/team-roster.js';
export { ModelFaults } from './faults/model-faults.js';
export {
  createFaultController,
  type ControlledFault,
  type FaultController,
  type FaultControllerOptions,
} from './faults/fault-controller.js';
export {
  clusterControl,
  createBrokerFaults,
  type BrokerFaults,
  type ServerControl,
} from './faults/broker-faults.js';
export {
  applyWireFault,
  selectHosts,
  WIRE_FAULT_KINDS,
  type WireFaultKind,
  type WireFaultSpec,
  type WireHosts,
} from './faults/wire-faults.js';
export {
  applyClockFault,
  CLOCK_FAULT_KINDS,
  type ClockFaultKind,
  type ClockFaultSpec,
  type ClockHosts,
} from './faults/clock-faults.js';

// Hosts of one run: each member on a host of its own, and the servers `up` started.
export {
  DIRECTOR_HOST,
  HOST_LAYOUTS,
  openTeamHosts,
  type HostLayout,
  type MemberHostOptions,
  type TeamHosts,
  type TeamHostsOptions,
} from './run/team-hosts.js';
export {
  processAlive,
  readUpState,
  UP_STATE_FILE,
  upServerControl,
  writeUpState,
  type UpState,
} from './run/up-servers.js';

// Controlled schedules: explore, shrink, replay (docs/schedules.md).
export {
  readScheduleFile,
  definedScheduleTeamSchema,
  isDefinedScheduleTeam,
  scheduleFileSchema,
  scheduleTeamSchema,
  writeScheduleFile,
  SCHEDULE_ARCHITECTURES,
  type AnyScheduleTeam,
  type DefinedScheduleTeam,
  type ScheduleArchitecture,
  type ScheduleFile,
} from './schedules/schedule-file.js';
export {
  checkSchedulableTeam,
  loadScheduledTeam,
  runScheduledDefinedTeam,
  type ScheduleGates,
} from './schedules/scheduled-defined-team.js';
export { uniqueTeamName } from './schedules/schedule-trace.js';
export { connectForSchedules } from './schedules/schedule-connection.js';
export { preferYoungGarbage } from './schedules/schedule-gc.js';
export { writeScheduleOutput } from './schedules/schedule-output.js';
export {
  runScheduledTeam,
  TEAM_FAILED,
  type ScheduledRunOptions,
  type ScheduledRunOutcome,
} from './schedules/scheduled-team-run.js';
export { shrinkSchedule, type ShrinkResult } from './schedules/shrink-schedule.js';
export { closeSearchThreads } from './schedules/search-threads.js';
export {
  replaySchedule,
  type ReplayOptions,
  type ReplayResult,
} from './schedules/replay-schedule.js';
export {
  exploreSchedules,
  scheduleFileOf,
  SEARCH_CONCURRENCY,
  type ExploreOptions,
  type ExploreResult,
} from './schedules/explore-schedules.js';
export {
  BUG_NAMES,
  KNOWN_BUGS,
  knownBug,
  listBugs,
  type BugVariant,
  type KnownBug,
} from './schedules/bug-zoo.js';

// OpenTelemetry: the SDK the command line starts from the standard variables
// (docs/observability.md).
export { startTelemetry, type TelemetrySession } from './observability/open-telemetry.js';
export {
  telemetrySettings,
  type OtlpProtocol,
  type TelemetrySettings,
} from './observability/telemetry-settings.js';
// A running team, live (llm-teams watch).
export {
  createLiveTeamState,
  type LiveAgentState,
  type LiveTaskState,
  type LiveTeamSnapshot,
  type LiveTeamState,
  type LiveTeamStateOptions,
} from './observability/live-team-state.js';

// A team across machines: one trace from every host, credentials and signing per member,
// sweeps whose runs any machine's worker pulls (docs/deployment.md, docs/security.md).
export {
  followTeamTrace,
  gatherTeamTrace,
  openTeamTrace,
  readTraceFiles,
  traceFilesOf,
  type FollowTeamTraceOptions,
  type GatherTeamTraceOptions,
  type TeamTrace,
  type TeamTraceOptions,
} from './run/team-trace.js';
export {
  DIRECTOR,
  initTeamAuth,
  loadTeamAuth,
  roleOf,
  TEAM_AUTH_FILES,
  type TeamAuth,
  type TeamAuthFile,
  type TeamAuthMember,
} from './run/team-auth.js';
export {
  createQueuePool,
  ensureSweepQueue,
  serveQueueWorker,
  SWEEP_QUEUE,
  sweepId,
  type QueueWorkerOptions,
  type SweepJob,
  type SweepResult,
} from './sweep/sweep-queue.js';
