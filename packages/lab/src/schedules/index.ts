// Controlled schedules of a team: explore (search, check, shrink), replay, schedule.json.
export { createReferenceTestRunner } from './reference-test-runner.js';
export { connectForSchedules } from './schedule-connection.js';
export {
  SCHEDULE_FILE,
  decodeChoices,
  encodeChoices,
  readScheduleFile,
  scheduleFileSchema,
  scheduleTeamSchema,
  writeScheduleFile,
  type ScheduleFile,
  type ScheduleTeam,
  type ScheduleTeamInput,
} from './schedule-file.js';
export {
  firstTraceDifference,
  normalizeTrace,
  traceDigest,
  uniqueTeamName,
} from './schedule-trace.js';
export {
  SCHEDULE_FILES,
  writeJson,
  writeScheduleOutput,
  writeTraceFile,
} from './schedule-output.js';
export {
  SCHEDULE_NODE,
  runScheduledTeam,
  type ScheduledRunOptions,
  type ScheduledRunOutcome,
} from './scheduled-team-run.js';
export {
  shrinkSchedule,
  type ShrinkResult,
  type ShrinkScheduleOptions,
} from './shrink-schedule.js';
export { replaySchedule, type ReplayOptions, type ReplayResult } from './replay-schedule.js';
export {
  exploreSchedules,
  scheduleFileOf,
  type ExploreFailure,
  type ExploreOptions,
  type ExploreProgress,
  type ExploreResult,
  type ExploreStrategy,
} from './explore-schedules.js';
