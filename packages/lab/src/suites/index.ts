// Task suites: the on-disk format (docs/suites.md), loading and validation, the DAG helpers
// metrics and schedulers need, and workspaces to run a task's tests against reference files.
export { LabError, type LabErrorCode } from '../lab-error.js';
export {
  checkSuiteSource,
  listSuites,
  loadSuite,
  validateSuite,
  type LoadSuiteOptions,
  type SuiteStructureSummary,
  type SuiteSummary,
  type ValidateSuiteOptions,
} from './suite-loader.js';
export {
  BUILT_IN_SUITES_DIR,
  composeStructure,
  readSuiteSource,
  resolveSuiteDir,
  type SuiteSearchOptions,
  type SuiteSource,
} from './suite-source.js';
export {
  SuiteValidationError,
  relativeImports,
  validateTaskSuite,
  type SuiteIssue,
  type SuiteIssueCode,
  type ValidateTaskSuiteOptions,
} from './suite-validation.js';
export {
  criticalPath,
  criticalPathLength,
  dependencyClosure,
  findDependencyCycle,
  longestPathToEnd,
  parallelFraction,
  topologicalOrder,
  totalWork,
  type DagTask,
} from './task-dag.js';
export {
  WORKSPACE_SCAFFOLD,
  createSuiteWorkspace,
  mapWithConcurrency,
  runTaskTests,
  verifyReferenceSolutions,
  writeWorkspaceFiles,
  type ReferenceCheck,
  type RunTaskTestsOptions,
  type SuiteWorkspace,
  type SuiteWorkspaceOptions,
  type TaskTestResult,
  type VerifyReferenceSolutionsOptions,
} from './suite-workspace.js';
export {
  suiteManifestSchema,
  taskManifestSchema,
  type StructureManifest,
  type SuiteManifest,
  type TaskManifest,
} from './suite-manifest.js';
export { mergeModuleFragment } from './module-fragment.js';
