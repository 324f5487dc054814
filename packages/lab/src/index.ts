/**
 * @llm-teams/lab: experiments. Task suites, runs and sweeps, metrics and fits, reports and
 * the trace viewer, and the `llm-teams` command line.
 */
export * from './suites/index.js';
export * from './analysis/index.js';
export * from './viewer/index.js';
export * from './metrics/index.js';
export * from './run/index.js';
export * from './sweep/index.js';
export * from './report/index.js';
export * from './cli/index.js';
export * from './schedules/index.js';
export * from './faults/index.js';
export * from './observability/index.js';
