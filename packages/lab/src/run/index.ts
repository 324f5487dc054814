// One run: its spec and grid key, the NATS it runs on, and the record it leaves.
export {
  ARCHITECTURES,
  DEFAULT_RUN_SPEC,
  normalizeRunSpec,
  runKey,
  runSlug,
  runSpecSchema,
  type RunSpec,
} from './run-spec.js';
export {
  deleteTeamResources,
  openNatsSession,
  type NatsSession,
  type NatsSessionOptions,
} from './nats-session.js';
export { isRunRecord, type RunRecord } from './run-record.js';
export { RUN_FILES, runExperiment, type RunExperimentOptions } from './run-experiment.js';
