/**
 * @llm-teams/lab: experiments. Task suites, runs and sweeps, metrics and fits, reports and
 * the trace viewer, and the `llm-teams` command line.
 */
export * from './suites/index.js';
export * from './analysis/index.js';
export * from './viewer/index.js';
