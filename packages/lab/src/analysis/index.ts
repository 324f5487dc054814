// Trace analysis: every checker (runtime and team level), `analyzeTrace`, and the reports.
export {
  CHECKERS,
  analyzeTrace,
  analyzeTraceFile,
  type AnalysisResult,
  type AnalysisSummary,
  type AnalyzeOptions,
} from './analyze-trace.js';
export {
  createTeamContext,
  declaredTasks,
  defaultIsWrite,
  type DeclaredTask,
  type TeamContext,
  type TeamContextOptions,
} from './team-context.js';
export { checkConcurrentWrites, checkRewrites } from './workspace-check.js';
export {
  checkDuplicateCompletions,
  checkLostCompletions,
  checkTemporal,
  runEnd,
} from './task-check.js';
export { checkVotes } from './vote-check.js';
export {
  analysisToJson,
  describeEvent,
  renderFindingsText,
  type RenderFindingsOptions,
} from './explain.js';
